/** A failure, said plainly with what to do next — never a blank page. */
export function ProblemScreen({
  title,
  detail,
  action,
}: {
  title: string;
  detail: string;
  action: string;
}) {
  return (
    <main className="problem" role="alert">
      <h1>{title}</h1>
      <p>{detail}</p>
      <p>{action}</p>
    </main>
  );
}
