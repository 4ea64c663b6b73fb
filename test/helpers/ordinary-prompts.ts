/**
 * Ordinary prompts, the vocabulary of portrait, product, fashion and film work, with the numbers,
 * hyphenated words, slashes and colons people really type. Every one must be stored byte-identical:
 * none is a credential. Deterministic (no randomness): the same 1,000+ every run.
 */
const KNOWN_DAMAGED = [
  'a basic black-and-white portrait',
  'a token 24-carat gold coin',
  'a ring bearer 2nd-in-line at the wedding',
  'Basic Instinct/Classic Collection poster',
  'the password is love, says the poster',
  'a key: the answer to everything',
  'token of appreciation, basic composition, bearer of good news',
  'Bearer Bonds, a 1980s heist film still',
  'portrait, key light: 45 degrees, fill: 1/2 stop under',
  'secret: a hidden garden behind the wall',
  'a keynote speaker, slide 3/10, title: The Future',
  'api-first startup office, 16:9, golden hour',
];

const SUBJECTS = [
  'a woman in her 30s',
  'an elderly fisherman',
  'a ballet dancer',
  'a chef',
  'a skateboarder',
  'twin sisters',
  'a jazz trumpeter',
  'a monkey with a golden key',
  'a perfume bottle',
  'a leather handbag',
  'a vintage Leica camera',
  'a pair of sneakers',
  'a wristwatch',
  'a cup of espresso',
  'a bearded man',
  'a bride',
];
const SETTINGS = [
  'in a neon-lit alley',
  'on a rain-soaked street',
  'at a 1950s diner',
  'in a sun-drenched studio',
  'on a black-and-white checkerboard floor',
  'in a pine forest at dawn',
  'on a rooftop at blue hour',
  'against a seamless grey backdrop',
  'in a secret garden',
  'at the token booth of an old subway',
];
const LOOKS = [
  'shot on 35mm film, Kodak Portra 400',
  '85mm f/1.4, shallow depth of field',
  'aspect ratio 4:5',
  'cinematic 2.39:1 framing',
  'ISO 100, 1/250 s',
  'high-key lighting',
  'low-key, Rembrandt lighting',
  'teal-and-orange grade',
  'Wes Anderson-style symmetry',
  'hyper-realistic, 8k',
  'soft-box key light, basic fill',
  'editorial, Vogue-style',
  'product shot: white background, 3/4 view',
  'time 10:30 on the clock',
  'a 24-70mm zoom, f/2.8',
  'mid-century modern set design',
  'black/white/red palette',
  'score: 9/10 sharpness',
  'RGB 255:128:0 accent',
  'scene 12, take 3: close-up',
];

export function ordinaryPrompts(): string[] {
  const out = [...KNOWN_DAMAGED];
  let i = 0;
  for (const subject of SUBJECTS) {
    for (const setting of SETTINGS) {
      for (let k = 0; k < 7; k++) {
        const look = LOOKS[(i * 7 + k * 3) % LOOKS.length]!;
        const extra = LOOKS[(i + k * 11 + 5) % LOOKS.length]!;
        out.push(`${subject} ${setting}, ${look}; ${extra} #${i}`);
        i++;
      }
    }
  }
  return out;
}
