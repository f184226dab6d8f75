// Probe for the layering check: the ground floor importing the worker (forbidden).
import { worker } from '../worker/facade.js';

export const upward = worker;
