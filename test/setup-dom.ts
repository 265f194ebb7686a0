import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';
import { UI_WAIT_MS } from './fixtures/timeouts';

// findBy* and waitFor wait this long (default 1 s) before failing: on a busy
// machine, fetching through msw and the FHIR engine can take longer.
configure({ asyncUtilTimeout: UI_WAIT_MS });

afterEach(() => cleanup());
