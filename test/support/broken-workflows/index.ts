/** A project workflow with a defect: its every task throws, so Temporal retries it for ever. */
export async function majorProjectWorkflow(): Promise<never> {
  throw new Error('模拟的工作流缺陷：任务反复失败');
}
