/** One bar group per model: HR@10 and NDCG@10 side by side, one panel per protocol. Plain SVG. */
export interface PlotRecord {
  protocol: string;
  model: string;
  metrics: Record<string, number>;
}

const METRICS = [
  { key: 'HR@10', colour: '#2166ac' },
  { key: 'NDCG@10', colour: '#b2182b' },
] as const;

const escapeXml = (text: string): string => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function evaluationSvg(records: readonly PlotRecord[], title: string): string {
  const protocols = [...new Set(records.map((r) => r.protocol))];
  const models = [...new Set(records.map((r) => r.model))];
  const bar = 14;
  const group = METRICS.length * bar + 12;
  const label = 330;
  const width = 820;
  const panelHeight = models.length * group + 40;
  const plotWidth = width - label - 60;
  const parts: string[] = [];
  protocols.forEach((protocol, p) => {
    const top = 40 + p * (panelHeight + 20);
    const rows = records.filter((r) => r.protocol === protocol);
    const max = Math.max(...rows.flatMap((r) => METRICS.map((m) => r.metrics[m.key] ?? 0)), 1e-9);
    parts.push(`<text x="10" y="${top + 14}" font-weight="bold">${escapeXml(protocol)}</text>`);
    models.forEach((model, i) => {
      const record = rows.find((r) => r.model === model);
      if (!record) return;
      const y = top + 24 + i * group;
      parts.push(`<text x="${label - 8}" y="${y + bar + 2}" text-anchor="end">${escapeXml(model.length > 48 ? `${model.slice(0, 47)}…` : model)}</text>`);
      METRICS.forEach((m, j) => {
        const value = record.metrics[m.key] ?? 0;
        const w = (value / max) * plotWidth;
        parts.push(
          `<rect x="${label}" y="${y + j * bar}" width="${w.toFixed(1)}" height="${bar - 2}" fill="${m.colour}"><title>${m.key} ${value.toFixed(4)}</title></rect>`,
        );
        parts.push(`<text x="${(label + w + 4).toFixed(1)}" y="${y + j * bar + bar - 3}">${value.toFixed(4)}</text>`);
      });
    });
  });
  const height = 40 + protocols.length * (panelHeight + 20);
  const legend = METRICS.map(
    (m, j) => `<rect x="${label + j * 110}" y="12" width="12" height="12" fill="${m.colour}"/><text x="${label + 16 + j * 110}" y="22">${m.key}</text>`,
  ).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11"><rect width="100%" height="100%" fill="#fff"/><text x="10" y="22" font-size="13">${escapeXml(title)}</text>${legend}${parts.join('')}</svg>\n`;
}
