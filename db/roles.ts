/**
 * The database roles of migration 0006. PostgreSQL roles are cluster-wide, so each carries the
 * database's name: `<database>_<role>`.
 */
export const DATABASE_ROLES = ['owner', 'worker', 'web', 'reader'] as const;
export type DatabaseRole = (typeof DATABASE_ROLES)[number];

export const roleName = (database: string, role: DatabaseRole): string => `${database}_${role}`;

/** The migration that creates the roles: later migrations run as the owner role. */
export const ROLES_MIGRATION = '0006_database_roles';

/**
 * The statement that removes a database's roles once the database itself is dropped (roles
 * outlive databases): for throwaway databases such as the tests' and benchmarks'.
 */
export const dropRolesStatement = (database: string): string =>
  `DROP ROLE IF EXISTS ${DATABASE_ROLES.map((r) => `"${roleName(database, r).replace(/"/g, '""')}"`).join(', ')}`;
