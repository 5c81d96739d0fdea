// esbuild bundles imported CSS into app.css; for the type checker such an import has no value.
declare module '*.css';
