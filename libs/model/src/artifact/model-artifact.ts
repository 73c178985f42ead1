import { EvaluationReport } from '../evaluation/evaluation-report';
import { SerializedNetwork } from './network.codec';
import { ModelManifest } from './model-manifest';

/** One registered model version: manifest, network, and its held-out evaluation. */
export interface ModelArtifact {
  readonly manifest: ModelManifest;
  readonly network: SerializedNetwork;
  readonly evaluation: EvaluationReport;
  /** Short markdown rendering of `evaluation` for a dashboard. */
  readonly reportMarkdown: string;
}
