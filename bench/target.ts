/** Whether a figure met its target, in the one wording every stage of the bench prints. */
export const targetVerdict = (met: boolean): string => (met ? '达到' : '未达到');
