// voy-search's package imports its .wasm as an ES module (a bundler plugin's job); the benchmark
// instantiates the .wasm itself and hands it to the JS glue, whose types are the package's own.
declare module 'voy-search/voy_search_bg.js' {
  export * from 'voy-search';
  export function __wbg_set_wasm(exports: WebAssembly.Exports): void;
}
