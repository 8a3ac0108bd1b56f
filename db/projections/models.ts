import type { ReadModel } from './read-model';
import { cyclesModel } from './cycles';
import { projectStatusModel } from './project-status';
import { assignmentsModel } from './assignments';
import { submissionsModel } from './submissions';
import { noticesModel } from './notices';
import { extensionRequestsModel } from './extension-requests';
import { targetProgressModel } from './target-progress';
import { unitScoresModel } from './unit-scores';
import { instructionsModel } from './instructions';
import { progressPeriodsModel } from './progress-periods';
import { closureRequestsModel } from './closure-requests';
import { rectificationsModel } from './rectifications';
import { subAssignmentsModel } from './sub-assignments';

/** Every read model, in application order: cycles first, since project_status reads their policy. */
export const readModels: readonly ReadModel[] = [
  cyclesModel,
  projectStatusModel,
  assignmentsModel,
  submissionsModel,
  noticesModel,
  extensionRequestsModel,
  targetProgressModel,
  unitScoresModel,
  instructionsModel,
  progressPeriodsModel,
  closureRequestsModel,
  rectificationsModel,
  subAssignmentsModel,
] as ReadModel[];

export function readModelNamed(name: string): ReadModel {
  const model = readModels.find((m) => m.name === name);
  if (!model) throw new Error(`没有名为“${name}”的读模型，可选：${readModels.map((m) => m.name).join('、')}`);
  return model;
}
