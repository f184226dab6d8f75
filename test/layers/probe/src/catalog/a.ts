// Probe for the layering check: two files importing each other (a cycle).
import { b } from './b.js';

export const a = (): string => b();
