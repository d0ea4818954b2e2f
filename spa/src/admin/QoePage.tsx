import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { useQuery } from 'urql';
import { useTitle } from '../app/title';
import { graphql } from '../gql';
import { formError } from '../lib/errors';
import { count } from '../lib/format';
import './admin.css';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip);

const QoeQuery = graphql(`
  query QoeReport($days: Int!) {
    qoeReport(days: $days) {
      days {
        day
        plays
        startupP50Ms
        startupP95Ms
        rebufferRatio
        failures
      }
      rungs {
        height
        plays
        seconds
      }
      errors {
        message
        count
      }
    }
  }
`);

/** Chart.js on a canvas, rebuilt when its configuration changes; label names the picture. */
function ChartCanvas({ config, label }: { config: ChartConfiguration; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const chart = new Chart(canvas.current!, config);
    return () => chart.destroy();
  }, [config]);
  return (
    <div className="qoe-chart">
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}

const day = (iso: string) => new Date(iso).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
const ms = (v: number | null | undefined) => (v == null ? '–' : `${Math.round(v)} ms`);
const pct = (v: number) => `${(v * 100).toFixed(2)} %`;
const INK = '#c9c9d1';
const GRID = 'rgb(255 255 255 / 0.08)';
const scales = { x: { ticks: { color: INK }, grid: { color: GRID } }, y: { ticks: { color: INK }, grid: { color: GRID }, beginAtZero: true } };
const legend = { labels: { color: INK } };

/** Quality of experience: what players measured over the last days, in charts and tables. */
export default function QoePage() {
  useTitle('Quality of experience');
  const [days, setDays] = useState(14);
  const [{ data, error, fetching }] = useQuery({ query: QoeQuery, variables: { days }, requestPolicy: 'cache-and-network' });
  const report = data?.qoeReport;
  const [charts, setCharts] = useState<{ startup: ChartConfiguration; rebuffer: ChartConfiguration; rungs: ChartConfiguration } | null>(null);

  useEffect(() => {
    if (!report) return;
    const labels = report.days.map((d) => day(d.day));
    setCharts({
      startup: {
        type: 'line',
        data: {
          labels,
          datasets: [
            { label: 'Startup p50 (ms)', data: report.days.map((d) => d.startupP50Ms ?? null), borderColor: '#3dd68c', backgroundColor: '#3dd68c' },
            { label: 'Startup p95 (ms)', data: report.days.map((d) => d.startupP95Ms ?? null), borderColor: '#f5a524', backgroundColor: '#f5a524' },
          ],
        },
        options: { animation: false, maintainAspectRatio: false, scales, plugins: { legend } },
      },
      rebuffer: {
        type: 'bar',
        data: { labels, datasets: [{ label: 'Rebuffer ratio (%)', data: report.days.map((d) => d.rebufferRatio * 100), backgroundColor: '#e5484d' }] },
        options: { animation: false, maintainAspectRatio: false, scales, plugins: { legend } },
      },
      rungs: {
        type: 'bar',
        data: { labels: report.rungs.map((r) => `${r.height}p`), datasets: [{ label: 'Plays', data: report.rungs.map((r) => r.plays), backgroundColor: '#7c8cff' }] },
        options: { animation: false, maintainAspectRatio: false, scales, plugins: { legend } },
      },
    });
  }, [report]);

  const total = report?.days.reduce((n, d) => n + d.plays, 0) ?? 0;
  return (
    <main className="page admin qoe">
      <p>
        <Link to="/admin">Administration</Link>
      </p>
      <h1>Quality of experience</h1>
      <div className="field qoe-range">
        <label htmlFor="qoe-days">Period</label>
        <select id="qoe-days" value={days} onChange={(e) => setDays(Number(e.target.value))}>
          <option value={7}>Last 7 days</option>
          <option value={14}>Last 14 days</option>
          <option value={30}>Last 30 days</option>
          <option value={90}>Last 90 days</option>
        </select>
      </div>
      {error && !data && <p role="alert" className="alert">{formError(error)}</p>}
      {!report && fetching && <p role="status" className="muted">Loading…</p>}
      {report && (
        <>
          <p role="status">
            {count(total, 'play')} measured by their players.
          </p>
          <div className="admin-grid">
            <section aria-labelledby="qoe-startup" className="card">
              <h2 id="qoe-startup">Startup time</h2>
              {charts && <ChartCanvas config={charts.startup} label="Startup time by day, p50 and p95, in milliseconds" />}
            </section>
            <section aria-labelledby="qoe-rebuffer" className="card">
              <h2 id="qoe-rebuffer">Rebuffering</h2>
              {charts && <ChartCanvas config={charts.rebuffer} label="Share of playing time spent stalled, by day" />}
            </section>
            <section aria-labelledby="qoe-rungs" className="card">
              <h2 id="qoe-rungs">Plays by rung</h2>
              {charts && <ChartCanvas config={charts.rungs} label="Plays by the rung they spent most time on" />}
            </section>
            <section aria-labelledby="qoe-errors" className="card">
              <h2 id="qoe-errors">Errors</h2>
              {report.errors.length === 0 ? (
                <p className="muted">No play stopped on an error.</p>
              ) : (
                <ul>
                  {report.errors.map((e) => (
                    <li key={e.message}>
                      {e.message}: {e.count}
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </div>
          <section aria-labelledby="qoe-table" className="card">
            <h2 id="qoe-table">By day</h2>
            <div className="table-scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Day</th>
                    <th scope="col">Plays</th>
                    <th scope="col">Startup p50</th>
                    <th scope="col">Startup p95</th>
                    <th scope="col">Rebuffer ratio</th>
                    <th scope="col">Failures</th>
                  </tr>
                </thead>
                <tbody>
                  {report.days.map((d) => (
                    <tr key={d.day}>
                      <td>{day(d.day)}</td>
                      <td>{d.plays}</td>
                      <td>{ms(d.startupP50Ms)}</td>
                      <td>{ms(d.startupP95Ms)}</td>
                      <td>{pct(d.rebufferRatio)}</td>
                      <td>{d.failures}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </>
      )}
    </main>
  );
}
