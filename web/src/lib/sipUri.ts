// Room and PIN to the SIP address the server admits: sip:ROOM*PIN@host (the server's InviteProcessor
// splits the user part at '*'). Called from the main thread.

const ROOM = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const PIN = /^[0-9]{1,16}$/;

/** Why a room name cannot be dialled, or null when it can. */
export function roomProblem(room: string): string | null {
  if (room.trim() === '') {
    return 'Enter the name of the room.';
  }
  if (room.includes('*')) {
    return 'Type the PIN in the PIN field, not after a * in the room name.';
  }
  if (!ROOM.test(room.trim())) {
    return 'Room names use letters, digits, dots, dashes and underscores (up to 64).';
  }
  return null;
}

/** Why a PIN cannot be sent, or null when it can (an empty PIN is no PIN). */
export function pinProblem(pin: string): string | null {
  if (pin.trim() === '' || PIN.test(pin.trim())) {
    return null;
  }
  return 'A PIN is 1 to 16 digits.';
}

/** The host part of a SIP URI for the page's host name (IPv6 literals keep or get their brackets). */
export function sipHost(hostname: string): string {
  if (hostname.includes(':') && !hostname.startsWith('[')) {
    return '[' + hostname + ']';
  }
  return hostname;
}

/** The address to INVITE: sip:ROOM@host, or sip:ROOM*PIN@host when a PIN is given. */
export function roomUri(room: string, pin: string, hostname: string): string {
  const r = room.trim();
  const p = pin.trim();
  const problem = roomProblem(r) ?? pinProblem(p);
  if (problem) {
    throw new Error(problem);
  }
  return 'sip:' + r + (p ? '*' + p : '') + '@' + sipHost(hostname);
}

/** Our own SIP address: the display name made safe for a user part. */
export function selfUri(name: string, hostname: string): string {
  const user = name.trim().replace(/[^A-Za-z0-9._-]+/g, '.').replace(/^\.+|\.+$/g, '') || 'guest';
  return 'sip:' + user.slice(0, 32) + '@' + sipHost(hostname);
}
