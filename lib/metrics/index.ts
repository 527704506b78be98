export * from '../data/closed-forms';
export * from './discrete';
export * from './benchmark';
export * from './modes';
