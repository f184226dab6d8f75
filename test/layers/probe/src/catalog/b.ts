import { a } from './a.js';

export const b = (): string => String(a);
