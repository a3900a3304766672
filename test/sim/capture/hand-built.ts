/**
 * Two tiny capture files written out byte by byte (not by chaff's writers), so the
 * readers are checked against the specifications and not only against themselves. The
 * same bytes are committed as `fixtures/hand-built-be-nanos.pcap` and
 * `fixtures/hand-built-le.pcapng` (a test checks they match), so tshark can be pointed at
 * them too.
 *
 * Both hold one UDP datagram 10.0.0.1:12345 → 10.0.0.2:53 with 8 payload bytes (IPv4
 * total length 36) at 1,700,000,000 s + 1,001 ns.
 */

function hex(s: string): Uint8Array {
  const clean = s.replace(/#.*$/gm, "").replace(/\s+/g, "");
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const IP_UDP = `
  45 00 00 24  00 01 00 00  40 11 00 00  0a 00 00 01  0a 00 00 02   # IPv4, total length 36, UDP
  30 39 00 35  00 10 00 00                                         # UDP 12345 -> 53, length 16
  01 02 03 04  05 06 07 08                                         # 8 payload bytes
`;

/** Classic pcap, big-endian, nanosecond magic, Ethernet (the frame padded to 60 bytes). */
export const HAND_PCAP_BE_NANOS = hex(`
  a1 b2 3c 4d                # magic: nanoseconds, big-endian
  00 02 00 04                # version 2.4
  00 00 00 00  00 00 00 00   # reserved
  00 00 ff ff                # snaplen 65535
  00 00 00 01                # link type 1 (Ethernet)
  65 53 f1 00                # 1,700,000,000 s
  00 00 03 e9                # 1,001 ns
  00 00 00 3c  00 00 00 3c   # captured 60, original 60
  ff ff ff ff ff ff  02 00 00 00 00 01  08 00                    # Ethernet, IPv4
  ${IP_UDP}
  00 00 00 00 00 00 00 00 00 00                                  # Ethernet padding to 60
`);

/** pcapng, little-endian: SHB, IDB (raw IP, if_tsresol 9), an unknown block, EPB. */
export const HAND_PCAPNG_LE = hex(`
  0a 0d 0d 0a  1c 00 00 00   # SHB, 28 bytes
  4d 3c 2b 1a                # byte-order magic, little-endian
  01 00 00 00                # version 1.0
  ff ff ff ff ff ff ff ff    # section length unknown
  1c 00 00 00
  01 00 00 00  20 00 00 00   # IDB, 32 bytes
  65 00 00 00                # link type 101 (raw IP), reserved
  00 00 04 00                # snaplen 262144
  09 00 01 00  09 00 00 00   # if_tsresol = 9 (nanoseconds), padded
  00 00 00 00                # opt_endofopt
  20 00 00 00
  ef be ad 0b  10 00 00 00   # an unknown block type, 16 bytes: skipped
  de ad be ef
  10 00 00 00
  06 00 00 00  44 00 00 00   # EPB, 68 bytes
  00 00 00 00                # interface 0
  fe 9c 97 17  e9 03 2a 36   # timestamp high, low: 1,700,000,000,000,001,001 ns
  24 00 00 00  24 00 00 00   # captured 36, original 36
  ${IP_UDP}
  44 00 00 00
`);
