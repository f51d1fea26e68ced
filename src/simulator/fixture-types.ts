/**
 * The organization fixture, exactly as DESIGN.md ("The Webex simulator") shows it. Things are named
 * by short local keys; the simulator turns them into Webex-format ids (see ids.ts).
 * docs/simulator.md documents every field.
 */
export interface OrgFixture {
  org: { domains: string[] };
  people: FixturePerson[];
  teams?: FixtureTeam[];
  rooms: FixtureRoom[];
  memberships: FixtureMembership[];
  messages: FixtureMessage[];
}

export interface FixturePerson {
  key: string;
  email: string;
  displayName: string;
}

export interface FixtureTeam {
  key: string;
  name: string;
}

export interface FixtureRoom {
  key: string;
  /** `group` with a `team` is a team space ("channel"). */
  type: 'direct' | 'group';
  title: string;
  team?: string | null;
  created: string;
}

export interface FixtureMembership {
  room: string;
  person: string;
  joined: string;
  left?: string | null;
}

export interface FixtureEdit {
  at: string;
  text: string;
  html?: string | null;
}

export interface FixtureFile {
  name: string;
  contentType: string;
  /** Either the bytes (base64) or only a size, for which the simulator makes deterministic bytes. */
  base64?: string | null;
  size?: number | null;
}

export interface FixtureMessage {
  key: string;
  room: string;
  person: string;
  created: string;
  text: string;
  html?: string | null;
  parent?: string | null;
  edits?: FixtureEdit[];
  deleted?: string | null;
  files?: FixtureFile[];
}
