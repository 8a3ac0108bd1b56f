import { defineSearchAttributeKey } from '@temporalio/common';

/** Search attributes registered at server start, so `temporal workflow list --query` finds work. */
export const searchAttributeTypes = {
  DudaoCycleId: 'Keyword',
  DudaoProjectId: 'Keyword',
  DudaoKind: 'Keyword',
  DudaoUnits: 'KeywordList',
  DudaoStatus: 'Keyword',
  DudaoRag: 'Keyword',
  DudaoDueAt: 'Datetime',
} as const;

export const SA = {
  cycleId: defineSearchAttributeKey('DudaoCycleId', 'KEYWORD'),
  projectId: defineSearchAttributeKey('DudaoProjectId', 'KEYWORD'),
  kind: defineSearchAttributeKey('DudaoKind', 'KEYWORD'),
  units: defineSearchAttributeKey('DudaoUnits', 'KEYWORD_LIST'),
  status: defineSearchAttributeKey('DudaoStatus', 'KEYWORD'),
  rag: defineSearchAttributeKey('DudaoRag', 'KEYWORD'),
  dueAt: defineSearchAttributeKey('DudaoDueAt', 'DATETIME'),
};

/**
 * What a supervised item (a 批示, a 整改 round, a share of 多级下发) is found by from its start, whether
 * a person starts it through the client or a workflow starts it as a child.
 */
export const supervisedItemAttributes = (item: { cycleId: string; itemId: string; units: string[] }) => [
  { key: SA.cycleId, value: item.cycleId },
  { key: SA.projectId, value: item.itemId },
  { key: SA.kind, value: 'task' },
  { key: SA.units, value: item.units },
  { key: SA.status, value: 'active' },
];
