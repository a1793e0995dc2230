// Node has the WebAssembly global, but @types/node does not declare it (lib.dom does): the part
// the schema engine loader uses.
declare namespace WebAssembly {
  type Exports = Record<string, unknown>;
  type Imports = Record<string, Record<string, unknown>>;
  interface Instance {
    readonly exports: Exports;
  }
  function instantiate(
    bytes: Uint8Array,
    imports: Imports,
  ): Promise<{ instance: Instance; module: unknown }>;
}
