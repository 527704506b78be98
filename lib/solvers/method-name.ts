/** Names of the methods the loop trains. */
export type MethodName = 'otm' | 'otm-s' | 'otp' | 'not' | 'diotm';
export const METHOD_NAMES: readonly MethodName[] = ['otm', 'otm-s', 'otp', 'not', 'diotm'];
