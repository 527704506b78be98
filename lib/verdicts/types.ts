/** A claim of a paper and what the book concluded on it (figures/<notebook>/verdicts.json; the index page lists them). */
export interface Verdict {
  readonly claim: string;
  readonly verdict: 'reproduced' | 'not reproduced' | 'partly reproduced' | 'not run here';
  readonly detail: string;
}
