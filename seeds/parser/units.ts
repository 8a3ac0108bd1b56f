/**
 * The responsible-units bracket that closes an item: （责任单位：A、B）, （牵头单位：A，配合单位：B、C）,
 * （牵头单位：A；责任单位：B）, or a bare （A、B）, in full- or half-width brackets and colons.
 */

export interface UnitsFound {
  /** The item text with the bracket removed. */
  text: string;
  /** Units in document order, lead units first. */
  units: string[];
  /** Problems met while reading the bracket, as Chinese warning messages. */
  problems: string[];
}

const OPEN = '[（(【［]';
const CLOSE = '[）)】］]';
const LEAD_LABELS = ['牵头单位', '牵头部门', '牵头处室', '主办单位', '主责单位', '负责单位', '主要责任单位'];
const OTHER_LABELS = [
  '责任单位',
  '责任部门',
  '责任处室',
  '配合单位',
  '配合部门',
  '协办单位',
  '参与单位',
  '协助单位',
  '实施单位',
];
const LABEL = `(?:${[...LEAD_LABELS, ...OTHER_LABELS].sort((a, b) => b.length - a.length).join('|')})`;
// One level of nested brackets inside the unit list, e.g. 市教育局（基教处）.
const INNER = `[^（）()【】［］]*(?:[（(][^（）()]*[）)][^（）()【】［］]*)*`;

const LABELLED = new RegExp(`${OPEN}\\s*(${LABEL}\\s*[：:]?${INNER})${CLOSE}`, 'g');
const LABELLED_UNCLOSED = new RegExp(`${OPEN}\\s*(${LABEL}\\s*[：:]${INNER})$`);
const BARE_AT_END = new RegExp(`([。；;！!.]\\s*|^)${OPEN}([^（）()【】［］]+)${CLOSE}\\s*[。.]?$`);
const ROLE_SPLIT = new RegExp(`(${LABEL})\\s*[：:]?`, 'g');

/** What a unit name ends with, to tell a bare （A、B） from an ordinary remark such as （幼儿园）. */
const UNIT_SUFFIX =
  /(处|室|科|局|厅|委|办|院|馆|校|学校|中心|组|会|部|所|站|队|公司|集团|政府|委员会|办公室|学院|大学|团委|妇联|残联|工会|台|社|行|署)$/;

export function extractUnits(text: string): UnitsFound {
  const labelled = [...text.matchAll(LABELLED)].pop();
  if (labelled?.index !== undefined) {
    const rest = text.slice(0, labelled.index) + text.slice(labelled.index + labelled[0].length);
    return { ...readUnitList(labelled[1] ?? ''), text: tidyItemText(rest) };
  }
  const unclosed = LABELLED_UNCLOSED.exec(text);
  if (unclosed) {
    const list = readUnitList(unclosed[1] ?? '');
    return {
      ...list,
      text: tidyItemText(text.slice(0, unclosed.index)),
      problems: ['责任单位括号缺少右括号，已读到行尾', ...list.problems],
    };
  }
  const bare = BARE_AT_END.exec(text);
  if (bare && looksLikeUnitList(bare[2] ?? '')) {
    const list = readUnitList(bare[2] ?? '');
    return { ...list, text: tidyItemText(text.slice(0, bare.index) + (bare[1] ?? '')) };
  }
  return { text: tidyItemText(text), units: [], problems: [] };
}

function looksLikeUnitList(content: string): boolean {
  const names = content.split(/[、，,；;\s]+/).filter((n) => n.length > 0);
  return names.length > 0 && names.every((n) => !/\d/.test(n) && n.length <= 20 && UNIT_SUFFIX.test(n));
}

/** Reads 牵头单位：A，配合单位：B、C (or a plain list); lead units come first. */
function readUnitList(content: string): Omit<UnitsFound, 'text'> {
  const problems: string[] = [];
  const segments: { lead: boolean; names: string }[] = [];
  const labels = [...content.matchAll(ROLE_SPLIT)];
  if (labels.length === 0) segments.push({ lead: false, names: content });
  labels.forEach((m, i) => {
    const start = (m.index ?? 0) + m[0].length;
    const end = labels[i + 1]?.index ?? content.length;
    segments.push({ lead: LEAD_LABELS.includes(m[1] ?? ''), names: content.slice(start, end) });
  });
  const ordered = [...segments.filter((s) => s.lead), ...segments.filter((s) => !s.lead)];
  const units: string[] = [];
  for (const segment of ordered) {
    const raw = segment.names.replace(/[；;，,。.\s]+$/, '');
    const parts = raw.split(/[、，,；;／/]|\s+/);
    if (parts.some((p, i) => p.trim() === '' && i === parts.length - 1 && parts.length > 1)) {
      problems.push(`责任单位“${raw}”末尾有多余的“、”，已忽略`);
    } else if (parts.some((p) => normalizeUnitName(p) === '') && parts.length > 1) {
      problems.push(`责任单位“${raw}”中有空项，已忽略`);
    }
    for (const part of parts) {
      const name = normalizeUnitName(part);
      if (name !== '' && !units.includes(name)) units.push(name);
    }
  }
  return { units, problems };
}

/** Trims whitespace and stray punctuation around a unit name; inner text is kept as written. */
export function normalizeUnitName(name: string): string {
  return name
    .replace(/\s+/g, '')
    .replace(/^[、，,；;：:。.]+|[、，,；;：:。.]+$/g, '')
    .trim();
}

function tidyItemText(text: string): string {
  return text.trim();
}
