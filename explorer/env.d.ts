// Vite turns `import x from "file?raw"` into the file's text.
declare module "*?raw" {
  const text: string;
  export default text;
}

// The worker's whole script, put into the page's script by the build (scripts/build-explorer.mjs).
declare const __EXPLORER_WORKER__: string;
