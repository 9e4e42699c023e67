/** Test principals: a key per name, and the *_API_KEYS value that declares them. */
export interface TestPrincipal {
  name: string;
  roles: string[];
  key: string;
}

export const principal = (name: string, roles: string[]): TestPrincipal => ({ name, roles, key: `${name}-test-key-0123456789` });

export const apiKeys = (principals: TestPrincipal[]): string => JSON.stringify(principals.map(({ name, roles, key }) => ({ name, roles, key })));
