/** One file a renderer makes: every renderer returns these, and only writers put them on disk. */
export interface RenderedFile {
  /** Relative to the output directory, `/`-separated. */
  path: string;
  content: string;
}
