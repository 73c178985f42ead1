import {
  EvaluationReport,
  METRIC_NAMES,
  MetricEstimate,
  MetricName,
  ScoredClassifier,
} from './evaluation-report';

const HEADINGS: Readonly<Record<MetricName, string>> = {
  accuracy: 'Accuracy',
  balancedAccuracy: 'Bal. acc.',
  precision: 'Precision',
  recall: 'Recall',
  f1: 'F1',
  mcc: 'MCC',
  rocAuc: 'ROC-AUC',
};

function cell(metric: MetricEstimate): string {
  if (metric.value === null) return 'n/a';
  const ci = metric.ci95 === null ? '' : ` [${metric.ci95[0].toFixed(3)}, ${metric.ci95[1].toFixed(3)}]`;
  return `${metric.value.toFixed(3)}${ci}`;
}

function row(classifier: ScoredClassifier): string {
  return `| ${classifier.name} | ${METRIC_NAMES.map((m) => cell(classifier.scores[m])).join(' | ')} |`;
}

/** A short markdown table a dashboard can show as is: the model's row first, then each baseline on the same rows. */
export function renderEvaluationMarkdown(report: EvaluationReport): string {
  const header = `| classifier | ${METRIC_NAMES.map((m) => HEADINGS[m]).join(' | ')} |`;
  const rule = `|${' --- |'.repeat(METRIC_NAMES.length + 1)}`;
  const lines = [
    `# Model ${report.modelVersion}: held-out test split`,
    '',
    `Label \`${report.labelVersion}\`; n = ${report.n}, positives = ${report.positives} ` +
      `(rate ${(report.positiveRate * 100).toFixed(2)}%); decision threshold ${report.threshold.toFixed(4)} ` +
      `chosen on validation. Brackets: ${Math.round(report.bootstrap.confidence * 100)}% percentile bootstrap ` +
      `(${report.bootstrap.resamples} resamples, seed ${report.bootstrap.seed}).`,
    '',
    header,
    rule,
    row(report.model),
    ...report.baselines.map(row),
    '',
    ...[report.model, ...report.baselines].map((c) => `- **${c.name}**: ${c.description}`),
    '',
  ];
  return lines.join('\n');
}
