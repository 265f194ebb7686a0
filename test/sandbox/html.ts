/** Tiny HTML helpers for the simulator and sign-in pages (server-rendered, no scripts). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; padding: 1rem; color: #1a1a1a; }
  label { font-weight: 600; }
  select, button { font-size: 1rem; padding: 0.3rem; }
  .ehr-bar { display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; margin-bottom: 0.5rem; }
  iframe { width: 100%; height: calc(100vh - 7rem); border: 1px solid #888; }
  :focus-visible { outline: 3px solid #005fcc; }
</style>
</head>
<body>
${body}
</body>
</html>`;
}
