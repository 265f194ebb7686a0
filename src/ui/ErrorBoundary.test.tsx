import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { ErrorBoundary } from './ErrorBoundary';

function Fragile({ breaks }: { breaks: () => boolean }) {
  if (breaks()) throw new Error('bad data');
  return <p>Drawn.</p>;
}

describe('ErrorBoundary', () => {
  it('a failure costs the part it wraps: a clear message and Retry, the rest stays', async () => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    let broken = true;
    const retried = vi.fn();
    function Page() {
      const [n] = useState(0);
      return (
        <main>
          <h1>Chart {n}</h1>
          <ErrorBoundary what="The visits section" onRetry={retried}>
            <Fragile breaks={() => broken} />
          </ErrorBoundary>
          <p>Other section.</p>
        </main>
      );
    }
    render(<Page />);
    expect(screen.getByRole('alert').textContent).toMatch(
      /^The visits section could not be shown\. Something in the data, or in the app, went wrong/,
    );
    expect(screen.getByText('Other section.')).toBeTruthy();
    broken = false;
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(retried).toHaveBeenCalledOnce();
    expect(screen.getByText('Drawn.')).toBeTruthy();
    quiet.mockRestore();
  });
});
