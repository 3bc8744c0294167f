// Names for the generated OpenAPI schemas the UI uses, and the few shapes
// the document leaves open (the sketch, the series, the scenario).
import type { components } from './schema';

type S = components['schemas'];

export type Run = S['Run'];
export type RunPage = S['RunPage'];
export type Scenario = S['Scenario'];
export type ScenarioWithVersion = S['ScenarioWithVersion'];
export type ScenarioVersion = S['ScenarioVersion'];
export type ScenarioPage = S['ScenarioPage'];
export type ValidateOutput = S['ValidateOutputBody'];
export type FieldMessage = S['FieldMessage'];
/** A problem+json document (RFC 9457); limit problems add limit, max, current. */
export type ErrorModel = Omit<S['ErrorModel'], 'type'> & { type?: string; [extra: string]: unknown };
export type ErrorDetail = S['ErrorDetail'];
export type User = S['User'];
export type UserPage = S['UserPage'];
export type Session = S['Session'];
export type APIKey = S['APIKey'];
export type NewAPIKey = S['NewAPIKey'];
export type UpdateUser = S['UpdateUserInputBody'];
export type CreateRunBody = S['CreateRunBody'];
export type ChartList = S['ChartListOutputBody'];
export type Estimate = S['AnalysisEstimate'];
export type Latency = S['ResultLatency'];
export type EventWindow = S['ResultEventWindow'];
export type OutcomeSeries = S['ResultOutcomeSeries'];
export type LatencySeries = S['ResultLatencySeries'];
export type ServerStats = S['ResultServerStats'];
export type Example = S['Example'];

/** The run's result (GET /runs/{id}/result) with its sketch typed. */
export type Result = S['ResultBody'] & { latency_sketch?: Sketch };

/** The DDSketch of a result (docs/result.md, latency_sketch). */
export interface Sketch {
  relative_accuracy: number;
  zero_count: number;
  offset: number;
  counts: number[];
}

/** GET /runs/{id}/series: sample k of every series is at k × period_s. */
export interface Series {
  period_s: number;
  downsampled_from?: number;
  servers: Record<string, { ready_queue_len?: number[]; event_loop_io_sleep?: number[]; ram_in_use?: number[]; replicas?: number[] }>;
  edges: Record<string, { edge_concurrent_connection?: number[] }>;
  latency?: LatencySeries;
}

/** GET /api/v1/ui-config (answered without authentication). */
export interface UIConfig {
  single_user: boolean;
  registration: boolean;
  version: string;
}

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export const finished = (s: string) => s === 'succeeded' || s === 'failed' || s === 'cancelled';

export type Study = S['Study'];
export type StudyPage = S['StudyPage'];
export type StudyResult = S['StudyResultBody'];
export type CreateStudyBody = S['CreateStudyBody'];
export type SLA = S['AnalysisSLA'];
export type SweepStudy = S['AnalysisSweepStudy'];
export type SweepPoint = S['AnalysisSweepPoint'];
export type Evaluation = S['AnalysisEvaluation'];
export type Comparison = S['CompareBody'];
export type FigureDiff = S['AnalysisFigureDiff'];
export type ScenarioChange = S['ScenarioChange'];
export type SweepParam = S['SweepParam'];
