import { useQuery } from '@tanstack/react-query';
import { businessKeyMode, describeBusinessKeyMode } from '../../fhir/planWriteGuard';
import { useMemo } from 'react';
import { probeRequest, type ProbeOutcome } from '../../fhir/capabilities';
import { useSession } from '../session/SessionContext';
import { useClock } from '../session/clock';
import { compareScopes, planChecks, type CheckLine } from './checks';
import './integration.css';
import { planSearchProbes, type SearchFinding } from './searchProbes';
import { useServerCapabilities, useSmartConfiguration } from './useServerCapabilities';

type Verdict = 'works' | 'missing' | 'failed' | 'untried' | 'pending';

/** The words and the class of one line's result. */
export function verdictOf(line: CheckLine, outcome: ProbeOutcome | undefined): [Verdict, string] {
  if (line.probe) {
    if (!outcome) return ['pending', 'Checking…'];
    if (!outcome.ok) {
      return [
        'failed',
        `Failed${outcome.status ? ` (${outcome.status})` : ''}: ${outcome.problem ?? 'error'}`,
      ];
    }
    if (line.includeTarget) {
      if (outcome.includedTypes?.includes(line.includeTarget)) {
        return ['works', `Works (${outcome.status}): ${line.includeTarget} included`];
      }
      return [
        line.advertised === 'no' ? 'missing' : 'untried',
        outcome.matches
          ? `Answered (${outcome.status}) but nothing was included: the server may ignore _include, or no record referenced one`
          : `Answered (${outcome.status}); no records to include from, so not confirmed`,
      ];
    }
    return ['works', `Works (${outcome.status})`];
  }
  if (line.advertised === 'no') return ['missing', 'Not advertised'];
  return [
    'untried',
    `${line.advertised === 'yes' ? 'Advertised. ' : ''}${line.notTried ?? 'Not tried.'}`,
  ];
}

const ADVERTISED_WORDS = { yes: 'Yes', no: 'No', unknown: 'Unknown' } as const;

/**
 * "Integration check": for the connected server, each interaction the app
 * needs — advertised? tried? — for integration teams to screenshot. Shows no
 * patient data: requests show {patient} in place of ids.
 */
export function IntegrationCheck() {
  const { session, send } = useSession();
  const clock = useClock();
  const caps = useServerCapabilities();
  const smart = useSmartConfiguration();
  const lines = useMemo(
    () =>
      caps.data
        ? planChecks(caps.data, {
            patientId: session.patientId,
            fhirUser: session.fhirUser,
            grantedScopes: session.grantedScopes,
            profile: session.profile,
            today: clock.now(),
          })
        : [],
    [caps.data, session, clock],
  );
  const probes = useQuery({
    queryKey: ['integration-probes', lines.map((l) => l.id)],
    enabled: lines.length > 0,
    staleTime: Infinity,
    queryFn: async () => {
      const outcomes = await Promise.all(
        lines.map((l) => (l.probe ? probeRequest(send, l.probe) : Promise.resolve(undefined))),
      );
      return new Map(lines.map((l, i) => [l.id, outcomes[i]]));
    },
  });
  const searchProbes = useMemo(
    () =>
      planSearchProbes({
        patientId: session.patientId,
        fhirUser: session.fhirUser,
        grantedScopes: session.grantedScopes,
        profile: session.profile,
      }),
    [session],
  );
  const searches = useQuery({
    queryKey: ['integration-search-probes', searchProbes.map((p) => p.id)],
    staleTime: Infinity,
    queryFn: async () => {
      const findings = await Promise.all(
        searchProbes.map((p) => (p.run ? p.run(send) : Promise.resolve(undefined))),
      );
      return new Map(searchProbes.map((p, i) => [p.id, findings[i]]));
    },
  });
  const runAgain = () => {
    void caps.refetch();
    void smart.refetch();
    void probes.refetch();
    void searches.refetch();
  };

  // fhirclient keeps the scope it asked for in its state.
  const requested =
    typeof session.client.state.scope === 'string' ? session.client.state.scope : '';

  const verdicts = lines.map((l) => [l, verdictOf(l, probes.data?.get(l.id))] as const);
  // Only what this screen uses: the worklist never sends the chart's _include, and so on.
  const onThisScreen = (usedBy: readonly string[]) => usedBy.includes(session.profile);
  const adaptations = verdicts.filter(
    ([line, [v]]) => (v === 'missing' || v === 'failed') && onThisScreen(line.usedBy),
  );
  const searchAdaptations = searchProbes
    .map((p) => [p, searches.data?.get(p.id)] as const)
    .filter(
      (x): x is readonly [SearchProbe, SearchFinding] =>
        Boolean(x[1]?.adaptation) && onThisScreen(x[0].usedBy),
    );

  return (
    <main className="integration" aria-labelledby="integration-title">
      <p>
        <a href="#">Back to the app</a>
      </p>
      <h1 id="integration-title">Integration check</h1>
      <p>
        What this app needs from the connected FHIR server, whether the server advertises it, and
        what happened when the app tried it just now. Only read requests are tried; nothing is
        written. No patient data is shown.
      </p>
      <dl className="integration__facts">
        <div>
          <dt>FHIR server</dt>
          <dd>{session.serverUrl}</dd>
        </div>
        <div>
          <dt>Server software</dt>
          <dd>
            {caps.data?.software ?? 'Not stated'}
            {caps.data?.fhirVersion ? `, FHIR ${caps.data.fhirVersion}` : ''}
          </dd>
        </div>
        <div>
          <dt>Launch</dt>
          <dd>
            {session.profile === 'chart' ? 'Chart (patient in context)' : 'Worklist (no patient)'}
          </dd>
        </div>
        <div>
          <dt>Checked</dt>
          <dd>{probes.dataUpdatedAt ? new Date(probes.dataUpdatedAt).toLocaleString() : '…'}</dd>
        </div>
      </dl>
      <button type="button" onClick={runAgain} disabled={probes.isFetching}>
        Run the check again
      </button>

      <Discovery caps={caps} smart={smart} />

      <Interactions pending={caps.isPending} verdicts={verdicts} />

      <SearchesTable probes={searchProbes} findings={searches.data} />

      <Adaptations
        pending={(probes.isPending && caps.isSuccess) || searches.isPending}
        lines={adaptations}
        searches={searchAdaptations}
      />

      {/* Plans are written from the chart only (the worklist updates Tasks). */}
      {session.profile === 'chart' && <BusinessKeys caps={caps} />}

      <Scopes requested={requested} granted={session.grantedScopes} />
    </main>
  );
}

/** Discovery: the CapabilityStatement and the SMART configuration, read or not. */
function Discovery({
  caps,
  smart,
}: {
  caps: ReturnType<typeof useServerCapabilities>;
  smart: ReturnType<typeof useSmartConfiguration>;
}) {
  return (
    <>
      <h2>Discovery</h2>
      <ul className="integration__discovery">
        <li>
          CapabilityStatement (GET metadata):{' '}
          {caps.isPending ? (
            <span aria-busy="true">checking…</span>
          ) : caps.data?.known ? (
            <span className="integration__works">Works</span>
          ) : (
            <span className="integration__failed">
              Failed: {caps.data?.problem ?? 'no answer'}. The app assumes no transactions and no
              _include.
            </span>
          )}
        </li>
        <li>
          SMART configuration (GET .well-known/smart-configuration):{' '}
          {smart.isPending ? (
            <span aria-busy="true">checking…</span>
          ) : smart.data?.known ? (
            <span className="integration__works">
              Works. Scope syntax:{' '}
              {smart.data.capabilities.includes('permission-v2')
                ? 'SMART v2 (permission-v2 advertised)'
                : 'SMART v1 (permission-v2 not advertised)'}
              ; PKCE S256:{' '}
              {smart.data.codeChallengeMethods.includes('S256') ? 'advertised' : 'not advertised'}.
            </span>
          ) : (
            <span className="integration__failed">
              Failed: {smart.data?.problem ?? 'no answer'}. The app asks for SMART v1 scopes.
            </span>
          )}
        </li>
      </ul>
    </>
  );
}

/** Each interaction the app needs: the request tried, advertised or not, and what happened. */
function Interactions({
  pending,
  verdicts,
}: {
  pending: boolean;
  verdicts: readonly (readonly [CheckLine, ReturnType<typeof verdictOf>])[];
}) {
  return (
    <>
      <h2 id="integration-interactions">Interactions the app needs</h2>
      {pending ? (
        <p aria-busy="true">Reading the server's CapabilityStatement…</p>
      ) : (
        <div className="integration__scroll">
          <table className="integration__table" aria-labelledby="integration-interactions">
            <thead>
              <tr>
                <th scope="col">Interaction</th>
                <th scope="col">Request tried</th>
                <th scope="col">Advertised</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {verdicts.map(([line, [verdict, words]]) => (
                <tr key={line.id} data-line={line.id} data-verdict={verdict}>
                  <th scope="row">{line.label}</th>
                  <td>
                    <code>{line.shown ?? '—'}</code>
                  </td>
                  <td>
                    {ADVERTISED_WORDS[line.advertised]}
                    {line.unlistedParams.length > 0 &&
                      ` (parameters not listed: ${line.unlistedParams.join(', ')})`}
                  </td>
                  <td className={`integration__${verdict}`}>{words}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

type SearchProbe = ReturnType<typeof planSearchProbes>[number];

/** The screens' own searches, tried as they are sent, with what the server did. */
function SearchesTable({
  probes,
  findings,
}: {
  probes: readonly SearchProbe[];
  findings: Map<string, SearchFinding | undefined> | undefined;
}) {
  return (
    <>
      <h2 id="integration-searches">Searches the screens send</h2>
      <p>
        The worklist’s and the chart’s own searches, tried as they are sent, with what the server
        did: servers differ here in ways their CapabilityStatement does not show.
      </p>
      <div className="integration__scroll">
        <table className="integration__table" aria-labelledby="integration-searches">
          <thead>
            <tr>
              <th scope="col">Search</th>
              <th scope="col">Request tried</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {probes.map((probe) => {
              const finding = findings?.get(probe.id);
              const [verdict, words] = probe.run
                ? finding
                  ? [finding.verdict, finding.words]
                  : ['pending', 'Checking…']
                : ['untried', probe.notTried ?? 'Not tried.'];
              return (
                <tr key={probe.id} data-probe={probe.id} data-verdict={verdict}>
                  <th scope="row">{probe.label}</th>
                  <td>
                    {probe.shown.map((r) => (
                      <code key={r} className="integration__request">
                        {r}
                      </code>
                    ))}
                  </td>
                  <td className={`integration__${verdict}`}>{words}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** What the app does differently on this server, for the current screen only. */
function Adaptations({
  pending,
  lines,
  searches,
}: {
  pending: boolean;
  lines: readonly (readonly [CheckLine, ReturnType<typeof verdictOf>])[];
  searches: readonly (readonly [SearchProbe, SearchFinding])[];
}) {
  return (
    <>
      <h2>How the app adapts to this server</h2>
      {pending ? (
        <p aria-busy="true">Trying the requests…</p>
      ) : lines.length + searches.length === 0 ? (
        <p>Everything the check could try works; nothing needs a fallback.</p>
      ) : (
        <ul className="integration__adaptations">
          {lines.map(([line, [verdict]]) => (
            <li key={line.id}>
              <strong>
                {line.label} {verdict === 'missing' ? 'is not advertised' : 'failed'}:
              </strong>{' '}
              {line.ifMissing}
            </li>
          ))}
          {searches.map(([probe, finding]) => (
            <li key={probe.id}>
              <strong>{probe.label}:</strong> {finding.adaptation}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** Which enforcement of the business keys this server gets (one plan per patient, one open follow-up per reason). */
function BusinessKeys({ caps }: { caps: ReturnType<typeof useServerCapabilities> }) {
  return (
    <>
      <h2>One plan per patient, one open follow-up per reason</h2>
      {caps.isPending ? (
        <p aria-busy="true">Reading the server's CapabilityStatement…</p>
      ) : (
        <p data-business-keys={businessKeyMode(caps.data)}>
          {describeBusinessKeyMode(businessKeyMode(caps.data))}
        </p>
      )}
    </>
  );
}

/** The scopes the app asked for, each granted or not, and any granted unasked. */
function Scopes({ requested, granted }: { requested: string; granted: string }) {
  const scopes = compareScopes(requested, granted);
  const requestedSet = new Set(requested.split(/\s+/));
  const extra = granted.split(/\s+/).filter((s) => s && !requestedSet.has(s));
  return (
    <>
      <h2 id="integration-scopes">Scopes: requested and granted</h2>
      {requested ? (
        <table className="integration__table" aria-labelledby="integration-scopes">
          <thead>
            <tr>
              <th scope="col">Requested</th>
              <th scope="col">Granted</th>
            </tr>
          </thead>
          <tbody>
            {scopes.map((s) => (
              <tr key={s.scope} data-verdict={s.granted ? 'works' : 'missing'}>
                <th scope="row">
                  <code>{s.scope}</code>
                </th>
                <td className={s.granted ? 'integration__works' : 'integration__missing'}>
                  {s.granted ? 'Granted' : 'Not granted'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>The requested scopes were not recorded for this session.</p>
      )}
      {extra.length > 0 && (
        <p>
          Also granted, not requested: <code>{extra.join(' ')}</code>
        </p>
      )}
    </>
  );
}
