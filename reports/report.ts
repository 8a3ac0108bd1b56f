/** A report as every renderer takes it: titled tables, optional charts (HTML only) and a footer. */
export type Cell = string | number | null;

export interface Column {
  key: string;
  label: string;
  numeric?: boolean;
}

export interface ReportTable {
  title: string;
  columns: Column[];
  rows: Record<string, Cell>[];
}

export type Chart =
  | {
      kind: 'rag-board';
      title: string;
      items: { label: string; rag: 'red' | 'amber' | 'green' | null; note: string }[];
    }
  | {
      kind: 'bars';
      title: string;
      unit: string;
      items: { label: string; value: number; max: number; note: string }[];
    }
  | { kind: 'timeline'; title: string; points: { date: string; value: number }[] }
  | {
      /** A plan line year by year against the values reported, each coloured by its verdict. */
      kind: 'trend';
      title: string;
      unit: string;
      target: number;
      points: {
        year: number;
        planned: number | null;
        reported: number | null;
        rag: 'red' | 'amber' | 'green' | null;
      }[];
    };

export interface Report {
  title: string;
  subtitle: string;
  tables: ReportTable[];
  charts: Chart[];
  footer: string[];
}
