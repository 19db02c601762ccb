import { EmulatorStateError } from "./errors.js";
import type { Grant, Group, GroupMember, Person, Principal } from "./types.js";

/** The people and groups of the project's Workspace, with the rules that keep references valid. */
export class Directory {
  readonly domain: string;
  private readonly peopleByEmail = new Map<string, Person>();
  private readonly groupsById = new Map<string, Group>();

  constructor(domain: string, people: Person[] = [], groups: Group[] = []) {
    this.domain = domain;
    for (const person of people) this.peopleByEmail.set(person.email.toLowerCase(), { ...person });
    for (const group of groups) this.groupsById.set(group.id, { ...group, members: [...group.members] });
    for (const group of groups) {
      for (const member of group.members) this.requireMember(member);
      this.assertNoCycle(group.id);
    }
  }

  get people(): Person[] {
    return [...this.peopleByEmail.values()];
  }

  get groups(): Group[] {
    return [...this.groupsById.values()];
  }

  person(email: string): Person | undefined {
    return this.peopleByEmail.get(email.toLowerCase());
  }

  group(id: string): Group | undefined {
    return this.groupsById.get(id);
  }

  /** Adds a person, or updates their name/title when the email is known. */
  addPerson(person: Person): void {
    this.peopleByEmail.set(person.email.toLowerCase(), { ...person });
  }

  /** Creates a group, or replaces the members of an existing one. */
  putGroup(group: Group): void {
    for (const member of group.members) this.requireMember(member);
    const previous = this.groupsById.get(group.id);
    this.groupsById.set(group.id, { ...group, members: [...group.members] });
    try {
      this.assertNoCycle(group.id);
    } catch (error) {
      if (previous) this.groupsById.set(group.id, previous);
      else this.groupsById.delete(group.id);
      throw error;
    }
  }

  /** Adds a member; returns false when it was already one. */
  addMember(groupId: string, member: GroupMember): boolean {
    const group = this.requireGroup(groupId);
    this.requireMember(member);
    if (group.members.some((m) => sameMember(m, member))) return false;
    group.members.push(member);
    try {
      this.assertNoCycle(groupId);
    } catch (error) {
      group.members.pop();
      throw error;
    }
    return true;
  }

  /** Removes a member; returns false when it was not one. */
  removeMember(groupId: string, member: GroupMember): boolean {
    const group = this.requireGroup(groupId);
    const at = group.members.findIndex((m) => sameMember(m, member));
    if (at < 0) return false;
    group.members.splice(at, 1);
    return true;
  }

  requirePerson(email: string): Person {
    const person = this.person(email);
    if (!person) {
      throw new EmulatorStateError("UNKNOWN_PERSON", `no person "${email}": add them to people first`);
    }
    return person;
  }

  requireGroup(id: string): Group {
    const group = this.groupsById.get(id);
    if (!group) throw new EmulatorStateError("UNKNOWN_GROUP", `no group "${id}": create it first`);
    return group;
  }

  /** Checks that a grant names a known person or group (domains and "anyone" need no entry). */
  requireGrant(grant: Grant): void {
    this.requirePrincipal(grant.principal);
  }

  requirePrincipal(principal: Principal): void {
    if (principal.type === "user") this.requirePerson(principal.email);
    if (principal.type === "group") this.requireGroup(principal.id);
  }

  private requireMember(member: GroupMember): void {
    if (member.type === "user") this.requirePerson(member.email);
    else this.requireGroup(member.id);
  }

  private assertNoCycle(start: string): void {
    const visit = (id: string, trail: string[]): void => {
      const group = this.groupsById.get(id);
      for (const member of group?.members ?? []) {
        if (member.type !== "group") continue;
        if (member.id === start) {
          throw new EmulatorStateError(
            "GROUP_CYCLE",
            `group "${start}" would contain itself (${[...trail, member.id].join(" → ")}): remove one membership`,
          );
        }
        if (!trail.includes(member.id)) visit(member.id, [...trail, member.id]);
      }
    };
    visit(start, [start]);
  }
}

/** True when two members are the same person or group (emails compared case-insensitively). */
export function sameMember(a: GroupMember, b: GroupMember): boolean {
  if (a.type === "user" && b.type === "user") return a.email.toLowerCase() === b.email.toLowerCase();
  return a.type === "group" && b.type === "group" && a.id === b.id;
}

/** True when two principals are the same grantee. */
export function samePrincipal(a: Principal, b: Principal): boolean {
  switch (a.type) {
    case "user":
      return b.type === "user" && a.email.toLowerCase() === b.email.toLowerCase();
    case "group":
      return b.type === "group" && a.id === b.id;
    case "domain":
      return b.type === "domain" && a.domain.toLowerCase() === b.domain.toLowerCase();
    case "anyone":
      return b.type === "anyone" && a.scope === b.scope;
  }
}
