import { WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { untilNotBusy } from '../../../app/commands';
import { CommandSigner, generateKeyFile, signingInterceptor } from '../../../app/signing';
import { BUSY } from '../../../workflows/messages';

const timedOut = () => new WorkflowUpdateRPCTimeoutOrCancelledError('context deadline exceeded');
const busy = () =>
  new WorkflowUpdateFailedError('rejected', ApplicationFailure.nonRetryable('流程正在处理上一步', BUSY));

/** A sender that fails as scripted, then answers; it keeps the Update ids it was asked to use. */
function scripted(failures: (() => Error)[]) {
  const ids: string[] = [];
  const send = async (updateId: string) => {
    ids.push(updateId);
    const failure = failures.shift();
    if (failure) throw failure();
    return 'answered';
  };
  return { ids, send };
}

describe('a command whose answer is not heard', () => {
  it('is sent again under the same Update id when the call timed out, so it attaches to the one sent', async () => {
    const { ids, send } = scripted([timedOut, timedOut]);
    await expect(untilNotBusy(send)).resolves.toBe('answered');
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(1);
  });

  it('is sent under a fresh id after the workflow refused it as busy (nothing was recorded)', async () => {
    const { ids, send } = scripted([busy, timedOut]);
    await expect(untilNotBusy(send)).resolves.toBe('answered');
    expect(ids).toHaveLength(3);
    expect(ids[0]).not.toBe(ids[1]);
    expect(ids[1]).toBe(ids[2]);
  });

  it('tells the person, in Chinese, to look before sending again once the wait is over', async () => {
    const { ids, send } = scripted([timedOut, timedOut]);
    const refusal = untilNotBusy(send, 0);
    await expect(refusal).rejects.toThrow(
      /^流程在 0 秒内未答复这次操作（编号 [0-9a-f-]{36}），它可能稍后生效/,
    );
    expect(ids).toHaveLength(1);
    await expect(refusal).rejects.toThrow(ids[0]!);
  });

  it('fails at once on any other error', async () => {
    const { ids, send } = scripted([() => new Error('工作流不存在')]);
    await expect(untilNotBusy(send)).rejects.toThrow('工作流不存在');
    expect(ids).toHaveLength(1);
  });
});

describe('the signing interceptor', () => {
  const signer = new CommandSigner(generateKeyFile('service', '测试').file);
  const interceptor = signingInterceptor(signer);
  const sent = async (options: { updateId?: string }) => {
    let seen: { args: unknown[]; options: { updateId?: string } } | undefined;
    await interceptor.startUpdate!(
      {
        updateName: 'approve',
        workflowExecution: { workflowId: 'cycle-c1/mp-01' },
        args: [{ type: 'approve', actor: { userId: 'u', role: 'inspector', unit: '督导处' } }],
        options,
        headers: {},
        waitForStage: 2,
      } as never,
      async (input) => {
        seen = input as never;
        return { updateId: input.options.updateId!, workflowRunId: 'r' };
      },
    );
    const proof = (seen!.args[0] as { proof: { nonce: string } }).proof;
    return { proof, updateId: seen!.options.updateId };
  };

  it('binds the proof to the Update id the caller chose, so a resend is the same Update', async () => {
    const id = '0f7c1d0e-5a8e-4c53-9d2b-2f1f3c9a7b10';
    const first = await sent({ updateId: id });
    const again = await sent({ updateId: id });
    expect([first.proof.nonce, first.updateId, again.proof.nonce, again.updateId]).toEqual([id, id, id, id]);
  });

  it('makes the nonce the Update id when the caller chose none', async () => {
    const { proof, updateId } = await sent({});
    expect(proof.nonce).toHaveLength(36);
    expect(updateId).toBe(proof.nonce);
  });
});
