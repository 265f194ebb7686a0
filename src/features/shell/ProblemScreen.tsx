/** A failure, said plainly with what to do next — never a blank page. */
export function ProblemScreen({
  title,
  detail,
  action,
  code,
}: {
  title: string;
  detail: string;
  action: string;
  /** An error code from the EHR (e.g. an OAuth `error`), shown beside the words for integration teams. */
  code?: string;
}) {
  return (
    <main className="problem" role="alert">
      <h1>{title}</h1>
      <p>{detail}</p>
      {code && (
        <p>
          Error code from the EHR: <code>{code}</code>
        </p>
      )}
      <p>{action}</p>
    </main>
  );
}
