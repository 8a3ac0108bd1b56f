import { z } from 'zod';

/** Roles: 督导处 inspector, a unit's staff or head, auditor, administrator; `system` is the engine itself. */
export const Role = z.enum(['inspector', 'unit_staff', 'unit_head', 'auditor', 'admin', 'system']);
export type Role = z.infer<typeof Role>;

/** The acting identity every command and event carries. */
export const Principal = z
  .object({
    userId: z.string().min(1),
    role: Role,
    unit: z.string().min(1).nullable(),
  })
  .refine((p) => (p.role === 'unit_staff' || p.role === 'unit_head' ? p.unit !== null : true), {
    message: '单位人员必须属于一个单位',
  });
export type Principal = z.infer<typeof Principal>;

export { SYSTEM } from './system-principal';

export const roleLabel: Record<Role, string> = {
  inspector: '督导处',
  unit_staff: '单位经办人',
  unit_head: '单位负责人',
  auditor: '审计员',
  admin: '管理员',
  system: '系统',
};

/** Parses `--as 基教处:unit_staff`, `--as 督导处:inspector` or `--as inspector`. */
export function parseActor(spec: string, userId = 'cli'): Principal {
  const [a, b] = spec.split(':');
  const roleText = b ?? a ?? '';
  const unit = b === undefined ? null : (a ?? null);
  const role = Role.safeParse(roleText);
  if (!role.success) {
    throw new Error(`无法识别的身份“${spec}”：应为 <单位>:<角色>，角色取 ${Role.options.join('、')}`);
  }
  const parsed = Principal.safeParse({ userId, role: role.data, unit });
  if (!parsed.success) throw new Error(`身份“${spec}”不完整：${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}
