/** The Hugging Face Hub enricher's network side: token, Hub client, and the HTTP and cache layers it runs on. */
export * from './hub.js';
export * from './token.js';
export * from '../http.js';
export * from '../cache.js';
