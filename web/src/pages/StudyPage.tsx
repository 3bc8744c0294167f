import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, api } from '../api/client';
import { streamEvents } from '../api/sse';
import { finished, type Study, type StudyResult } from '../api/types';
import { ApiLink } from '../components/ApiLink';
import { Loading, Problem } from '../components/Problem';
import { CurveChart, HeatMap } from '../components/StudyCharts';
import { pct, shortId, sig, when } from '../format';
import { useLoad, useTitle } from '../hooks';
import { defaultAxis, figLabel, figText, paramLabel, sizingAnswer, slaFigure, slaText, studySummary, studyTable, type Candidate, type StudyTable } from '../lib/studies';

/** Follows a study: its event stream (candidate runs done of total) while it is active. */
function useStudy(id: string) {
  const [study, setStudy] = useState<Study | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    const ac = new AbortController();
    (async () => {
      const s = await api<Study>(`/api/v1/studies/${id}`, { signal: ac.signal });
      setStudy(s);
      if (finished(s.status)) return;
      await streamEvents(
        `/api/v1/studies/${id}/events`,
        (e) => {
          if (e.event === 'progress' || e.event === 'status') setStudy(JSON.parse(e.data) as Study);
        },
        ac.signal,
      );
      setStudy(await api<Study>(`/api/v1/studies/${id}`, { signal: ac.signal }));
    })().catch((e: unknown) => {
      if (!ac.signal.aborted) setError(e instanceof ApiError ? e : new ApiError(0, { detail: String(e) }));
    });
    return () => ac.abort();
  }, [id]);
  return { study, setStudy, error };
}

export default function StudyPage() {
  const { id = '' } = useParams();
  useTitle(`Study ${shortId(id)}`);
  const nav = useNavigate();
  const { study, setStudy, error } = useStudy(id);
  const [actionError, setActionError] = useState<ApiError | null>(null);

  async function cancel() {
    setActionError(null);
    try {
      setStudy(await api<Study>(`/api/v1/studies/${id}/cancel`, { method: 'POST' }));
    } catch (e) {
      setActionError(e as ApiError);
    }
  }
  async function remove() {
    if (!window.confirm('Delete this study and its result?')) return;
    setActionError(null);
    try {
      await api(`/api/v1/studies/${id}`, { method: 'DELETE' });
      void nav('/studies');
    } catch (e) {
      setActionError(e as ApiError);
    }
  }

  if (error) return <Problem error={error} title="Could not load the study" />;
  if (!study) return <Loading />;
  const active = !finished(study.status);
  return (
    <section>
      <div className="title-row">
        <h1>Study {shortId(study.id)}</h1>
        <span className={`badge ${study.status}`} data-testid="study-status">
          {study.status}
        </span>
        <span className="muted">{studySummary(study)}</span>
      </div>
      <p className="muted">
        {study.scenario_id ? (
          <>
            Base scenario <Link to={`/scenarios/${study.scenario_id}`}>{shortId(study.scenario_id)}</Link> v{study.scenario_version} ·{' '}
          </>
        ) : null}
        created {when(study.created_at)}
        {study.running_s !== undefined && ` · ran ${sig(study.running_s)} s`}
      </p>
      <div className="card stack">
        <label htmlFor="study-progress">
          Candidate runs: {study.runs_done} of {study.runs_total}
        </label>
        <div className="row">
          <progress id="study-progress" max={1} value={study.progress} />
          <span data-testid="study-progress-text">{pct(study.progress)}</span>
          {active ? (
            <button type="button" className="danger" onClick={() => void cancel()} disabled={study.cancel_requested}>
              Cancel study
            </button>
          ) : (
            <button type="button" className="danger" onClick={() => void remove()}>
              Delete study
            </button>
          )}
        </div>
      </div>
      <Problem error={actionError} title="The server refused" />
      {(study.status === 'failed' || study.status === 'cancelled') && study.error && (
        <div className="problem" role="alert">
          <strong>The study {study.status === 'failed' ? 'failed' : 'was cancelled'}</strong>
          <div>{study.error}</div>
        </div>
      )}
      {study.status === 'succeeded' && <StudyResultView study={study} />}
    </section>
  );
}

function StudyResultView({ study }: { study: Study }) {
  const res = useLoad((signal) => api<StudyResult>(`/api/v1/studies/${study.id}/result`, { signal }), [study.id]);
  const table = useMemo(() => (res.data ? studyTable(res.data) : null), [res.data]);
  const [figure, setFigure] = useState('');
  const [axis, setAxis] = useState<number | null>(null);
  if (res.error) return <Problem error={res.error} title="Could not load the result" />;
  if (!res.data || !table) return <Loading what="Loading the result" />;
  const fig = figure || slaFigure(table) || 'latency_p99';
  const x = axis ?? defaultAxis(table);
  const answer = sizingAnswer(res.data, table);
  return (
    <>
      <h2>Result</h2>
      <p className="muted">
        {table.candidates.length} candidate(s) · SLA: {slaText(table.sla)} · ± is the half-width of the 95 % confidence interval over the
        replications.
      </p>
      {answer && (
        <div className={`card answer ${answer.reached ? 'reached' : 'unreached'}`} data-testid="study-answer">
          <h3>Answer</h3>
          <p className="big">{answer.text}</p>
          {(answer.answer || answer.below) && (
            <>
              <p>The evidence:</p>
              <ul>
                {answer.answer && <Evidence c={answer.answer} table={table} />}
                {answer.below && <Evidence c={answer.below} table={table} />}
              </ul>
            </>
          )}
        </div>
      )}
      {res.data.sizing?.size?.warnings?.map((w) => (
        <p key={w} className="warn">
          {w}
        </p>
      ))}
      <div className="toolbar">
        <label className="inline">
          Figure
          <select value={fig} onChange={(e) => setFigure(e.target.value)}>
            {table.figures.map((n) => (
              <option key={n} value={n}>
                {figLabel(n, table.sla)}
              </option>
            ))}
          </select>
        </label>
        {table.params.length === 2 && (
          <label className="inline">
            Along x
            <select value={x} onChange={(e) => setAxis(Number(e.target.value))}>
              {table.params.map((p, i) => (
                <option key={p} value={i}>
                  {paramLabel(p)}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <div className="charts study-charts">
        <CurveChart table={table} figure={fig} axis={x} />
        {table.params.length === 2 && <HeatMap table={table} figure={fig} />}
      </div>
      <CandidateTable table={table} />
      <p className="links">
        <ApiLink href={`/api/v1/studies/${study.id}/report.html`}>HTML report</ApiLink>
        <ApiLink href={`/api/v1/studies/${study.id}/result`}>Result JSON</ApiLink>
      </p>
    </>
  );
}

function Evidence({ c, table }: { c: Candidate; table: StudyTable }) {
  const f = slaFigure(table);
  const e = f ? c.figures[f] : undefined;
  return (
    <li>
      {table.params.map((p, i) => `${paramLabel(p)} = ${sig(c.values[i]!)}`).join(', ')}:{' '}
      {e && (
        <>
          {figLabel(f!, table.sla)} {figText(f!, e.mean)} ± {figText(f!, e.ci95_half_width)}{' '}
        </>
      )}
      {c.figures.error_ratio && <>· errors {figText('error_ratio', c.figures.error_ratio.mean)} </>}
      {c.pass === true && <span className="good">passes</span>}
      {c.pass === false && <span className="bad">fails{c.reason ? `: ${c.reason}` : ''}</span>}
    </li>
  );
}

const tableFigures = ['sla_latency', 'latency_mean', 'latency_p50', 'latency_p95', 'latency_p99', 'throughput_rps', 'error_ratio'];

function CandidateTable({ table }: { table: StudyTable }) {
  const figs = [...tableFigures.filter((n) => table.figures.includes(n)), ...table.figures.filter((n) => n.startsWith('utilization.'))];
  return (
    <table data-testid="study-candidates">
      <caption>Candidates (mean ± 95 % half-width)</caption>
      <thead>
        <tr>
          {table.params.map((p) => (
            <th scope="col" key={p} title={p}>
              {paramLabel(p)}
            </th>
          ))}
          <th scope="col">Rate</th>
          {figs.map((n) => (
            <th scope="col" key={n}>
              {figLabel(n, table.sla)}
            </th>
          ))}
          {table.sla && <th scope="col">SLA</th>}
        </tr>
      </thead>
      <tbody>
        {table.candidates.map((c) => (
          <tr key={c.index}>
            {c.values.map((v, i) => (
              <th scope="row" key={i}>
                {sig(v)}
              </th>
            ))}
            <td>{sig(c.rateRps)} req/s</td>
            {figs.map((n) => {
              const e = c.figures[n];
              return (
                <td key={n}>
                  {e ? figText(n, e.mean) : '–'}
                  {e && e.ci95_half_width > 0 && <span className="ci"> ± {figText(n, e.ci95_half_width)}</span>}
                </td>
              );
            })}
            {table.sla && <td>{c.pass === undefined ? '–' : c.pass ? <span className="good">pass</span> : <span className="bad" title={c.reason}>fail</span>}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
