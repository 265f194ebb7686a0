import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { LaunchError } from '../../smart/session';
import { LaunchFailure } from './LaunchFailure';

const shown = () => screen.getByRole('alert').textContent ?? '';

describe('the page for a launch that did not complete', () => {
  it('a standalone authorization error: the OAuth code, and to check the issuer address and launch options', () => {
    render(
      <LaunchFailure
        error={
          new LaunchError('auth-failed', 'x', {
            oauthError: 'invalid_request',
            style: 'standalone',
            iss: 'https://launch.smarthealthit.org/v/r4/fhir?x=1',
          })
        }
      />,
    );
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe(
      'Signing in to the EHR did not complete',
    );
    expect(shown()).toContain('the sign-in request was not accepted');
    expect(screen.getByText('invalid_request').tagName).toBe('CODE');
    expect(shown()).toContain('standalone launch');
    expect(shown()).toContain('https://launch.smarthealthit.org/v/r4/fhir)');
    expect(shown()).not.toContain('x=1');
    expect(shown()).toContain('launch options');
    expect(shown()).not.toMatch(/from the patient chart/);
  });

  it('an EHR launch: open it again from the chart', () => {
    render(
      <LaunchFailure
        error={new LaunchError('auth-failed', 'x', { oauthError: 'access_denied', style: 'ehr' })}
      />,
    );
    expect(shown()).toContain('access was not granted');
    expect(shown()).toContain('access_denied');
    expect(shown()).toContain('Launch the app again from the patient chart');
    expect(shown()).not.toContain('standalone');
  });

  it('no code when the server sent none the RFC lists, and advice for either style when unknown', () => {
    render(<LaunchFailure error={new LaunchError('auth-failed', 'invalid_request: <b>hi</b>')} />);
    expect(screen.queryByText(/Error code from the EHR/)).toBeNull();
    expect(shown()).not.toContain('<b>');
    expect(shown()).toMatch(/from the EHR \(for a standalone launch, check the issuer address/);
  });

  it('storage blocked in the frame: says so, and what to do', () => {
    render(<LaunchFailure error={new LaunchError('storage-blocked', 'x')} />);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe(
      'This browser blocks storage for apps embedded in the EHR',
    );
    expect(shown()).toContain('continue in a new window');
  });
});
