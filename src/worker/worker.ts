import { expose } from 'comlink';
import { installErrorTransfer } from '../shared/wire-errors.js';
import { createWorkerApi } from './api.js';

installErrorTransfer();
const api = createWorkerApi();
/** The API the page talks to, derived from the object we expose (never written twice). */
export type WorkerApi = typeof api;
expose(api);
