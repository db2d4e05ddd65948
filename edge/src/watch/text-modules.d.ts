/** Imported as a string through the `Text` rule in wrangler.toml. */
declare module 'hls.js/dist/hls.min.js' {
  const text: string;
  export default text;
}
