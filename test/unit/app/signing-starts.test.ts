import { startedBy } from '../../../app/signing';

/** Which workflow starts are a person's command, signed as whom. */
describe('signed workflow starts', () => {
  const person = { userId: '督导处-张三', role: 'inspector', unit: '督导处' };

  it('signs a cycle start as its startedBy, and a 领导批示 or 整改 item as the person who records it', () => {
    expect(startedBy('inspectionCycleWorkflow', { startedBy: person })).toBe(person);
    expect(startedBy('majorProjectWorkflow', { instruction: { record: {}, by: person } })).toBe(person);
    expect(startedBy('majorProjectWorkflow', { rectification: { record: {}, by: person } })).toBe(person);
  });

  it("leaves a cycle's own project children and other workflows unsigned", () => {
    expect(startedBy('majorProjectWorkflow', { cycleId: 'c1', projectId: 'p1' })).toBeUndefined();
    expect(startedBy('recurringCycleWorkflow', { startedBy: person })).toBeUndefined();
  });
});
