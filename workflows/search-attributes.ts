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
