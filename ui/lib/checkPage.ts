// The check pages (lockstep.html, hnsw.html) show one result the same way: the JSON of the
// result in #out, green when it says `equal`, with data-result or data-error for tests.

export function showCheck(run: Promise<{ equal: boolean }>): void {
  const out = document.getElementById('out') as HTMLElement;
  run.then(
    (r) => {
      out.className = r.equal ? 'ok' : 'bad';
      out.textContent = JSON.stringify(r, null, 2);
      out.dataset.result = JSON.stringify(r);
    },
    (e: unknown) => {
      out.className = 'bad';
      out.textContent = `error: ${e instanceof Error ? e.message : String(e)}`;
      out.dataset.error = String(e);
    },
  );
}
