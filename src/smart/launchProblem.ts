export interface LaunchProblem {
  title: string;
  detail: string;
  items?: string[];
  action: string;
}

/** Plain DOM (no React) error page for launch.html; text only, never HTML from input. */
export function renderLaunchProblem(root: HTMLElement, problem: LaunchProblem): void {
  root.replaceChildren();
  root.setAttribute('role', 'alert');
  const h1 = document.createElement('h1');
  h1.textContent = problem.title;
  const p = document.createElement('p');
  p.textContent = problem.detail;
  root.append(h1, p);
  if (problem.items?.length) {
    const ul = document.createElement('ul');
    for (const item of problem.items) {
      const li = document.createElement('li');
      li.textContent = item;
      ul.append(li);
    }
    root.append(ul);
  }
  const next = document.createElement('p');
  next.textContent = problem.action;
  root.append(next);
}
