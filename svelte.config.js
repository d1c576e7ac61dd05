// Svelte compiler options for the UI (ui/). TypeScript inside .svelte files is handled by
// the plugin's built-in preprocessing, so no preprocessor is configured here.
export default {
  compilerOptions: { runes: true },
};
