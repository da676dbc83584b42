// Question and answer templates of the six qualitative families (slot scheme: words.ts). Each
// family's list is a set of frames every family shares plus frames written for that family; both
// relations of the pair read naturally in every one (a test renders them all). [A] always comes
// before [B] in a question so that the order the question names them is [A, B].
import type { QualitativeFamily } from "../families.js";

const SHARED_PREDICATE = [
  "Is [A] {rel} [B]?",
  "Would you say [A] is {rel} [B]?",
  "Is it true that [A] is {rel} [B]?",
  "Can you confirm whether [A] is {rel} [B]?",
  "Tell me whether [A] is {rel} [B].",
  "Is [A] {alt} [B]?",
  "Looking at the image, is [A] {rel} [B]?",
  "Yes or no: is [A] {rel} [B]?",
  "Do you think [A] is {rel} [B]?",
  "Would it be accurate to say [A] is {alt} [B]?",
  "Is [A] {adv} than [B]?",
  "In this photo, is [A] {alt} [B]?",
] as const;

const SHARED_CHOICE = [
  "Which is {cmp}, [A] or [B]?",
  "Between [A] and [B], which one is {cmp}?",
  "Of [A] and [B], which is {cmp}?",
  "Which object is {cmp}: [A] or [B]?",
  "[A] or [B]: which one is {cmp}?",
  "Which of the two is {adv}, [A] or [B]?",
  "Looking at [A] and [B], which is {cmp}?",
  "Tell me which is {cmp}: [A] or [B].",
  "Which one would you say is {adv}, [A] or [B]?",
  "Pick the one that is {cmp}: [A] or [B].",
  "Which is {rel} the other, [A] or [B]?",
  "Is [A] or [B] {cmp}?",
] as const;

const FAMILY_PREDICATE: Record<QualitativeFamily, readonly string[]> = {
  left_right: [
    "From the camera's point of view, is [A] {rel} [B]?",
    "Does [A] sit {rel} [B]?",
    "Is [A] positioned {rel} [B] in the scene?",
    "As seen by the viewer, does [A] lie {rel} [B]?",
    "Is [A] off to the {word} of [B]?",
    "Standing where the photo was taken, would you see [A] {rel} [B]?",
    "Does [A] appear {alt} [B]?",
    "Is [A] located {rel} [B]?",
    "From where the camera stands, is [A] {alt} [B]?",
  ],
  above_below: [
    "Does [A] sit {rel} [B]?",
    "Is [A] positioned {rel} [B]?",
    "Is [A] located {alt} [B]?",
    "Is [A] further {word} than [B]?",
    "Does [A] rest at a {adv} level than [B]?",
    "Is [A] {cmp} than [B]?",
    "Vertically speaking, is [A] {rel} [B]?",
    "Is [A] situated {rel} [B]?",
    "Would you find [A] {rel} [B]?",
  ],
  behind_front: [
    "From the camera's viewpoint, is [A] {rel} [B]?",
    "Is [A] positioned {rel} [B]?",
    "Does [A] stand {rel} [B] as seen from the camera?",
    "Is [A] more toward the {word} of the scene than [B]?",
    "In terms of depth, is [A] {rel} [B]?",
    "Is [A] located {rel} [B]?",
    "Does [A] sit {alt} [B]?",
    "Seen from the camera, is [A] {alt} [B]?",
    "Is [A] placed {rel} [B]?",
  ],
  taller_shorter: [
    "Does [A] stand {rel} [B]?",
    "Does [A] have a {word} height than [B]?",
    "In terms of height, is [A] {rel} [B]?",
    "Height-wise, is [A] {rel} [B]?",
    "Is [A] {rel} [B] when you compare their heights?",
    "Measured from bottom to top, is [A] {rel} [B]?",
    "Comparing their heights, is [A] {rel} [B]?",
    "Is [A] built {rel} [B]?",
    "Would [A] come out {rel} [B] if they stood side by side?",
  ],
  wider_thinner: [
    "Does [A] have a {word} width than [B]?",
    "Side to side, is [A] {rel} [B]?",
    "In terms of width, is [A] {rel} [B]?",
    "Width-wise, is [A] {rel} [B]?",
    "Comparing their widths, is [A] {rel} [B]?",
    "Does [A] span a {word} width than [B]?",
    "Is [A] {rel} [B] from one side to the other?",
    "Measured across, is [A] {rel} [B]?",
    "Does [A] look {rel} [B]?",
  ],
  bigger_smaller: [
    "Does [A] take up {word} space than [B]?",
    "In terms of overall size, is [A] {rel} [B]?",
    "Size-wise, is [A] {rel} [B]?",
    "Does [A] occupy {word} volume than [B]?",
    "Is [A] {rel} [B] overall?",
    "Would [A] fill {word} room than [B]?",
    "Comparing their sizes, is [A] {rel} [B]?",
    "Does [A] look {rel} [B]?",
    "Judging by size, is [A] {alt} [B]?",
  ],
};

const FAMILY_CHOICE: Record<QualitativeFamily, readonly string[]> = {
  left_right: [
    "Which sits further to the {word}, [A] or [B]?",
    "Which is on the {word} side, [A] or [B]?",
    "Which appears more to the {word}, [A] or [B]?",
    "Which one lies {adv}, [A] or [B]?",
    "From the camera's point of view, which is {cmp}: [A] or [B]?",
    "Which of [A] and [B] is more off to the {word}?",
    "Which is found {cmp}, [A] or [B]?",
    "Of [A] and [B], which one do you see {cmp}?",
  ],
  above_below: [
    "Which is positioned {cmp}, [A] or [B]?",
    "Which of [A] and [B] sits {adv}?",
    "Which is at the {adv} level, [A] or [B]?",
    "Which one is further {word}, [A] or [B]?",
    "Of [A] and [B], which one is located {alt} the other?",
    "Vertically, which is {cmp}: [A] or [B]?",
    "Which is placed {cmp}, [A] or [B]?",
    "Which sits {cmp} in the scene, [A] or [B]?",
  ],
  behind_front: [
    "Which one is {adv} in the scene, [A] or [B]?",
    "Which is more toward the {word}, [A] or [B]?",
    "Which of [A] and [B] is {alt} the other?",
    "From the camera's viewpoint, which is {cmp}: [A] or [B]?",
    "In terms of depth, which is {cmp}, [A] or [B]?",
    "Which one stands {cmp}, [A] or [B]?",
    "Which sits {rel} the other, [A] or [B]?",
    "Which is positioned {cmp}: [A] or [B]?",
  ],
  taller_shorter: [
    "Which stands {cmp}, [A] or [B]?",
    "Which has the {word} height, [A] or [B]?",
    "Which of [A] and [B] is the {cmp} one?",
    "Height-wise, which is {cmp}: [A] or [B]?",
    "Comparing [A] and [B], which is {cmp}?",
    "Which one would measure {cmp}, [A] or [B]?",
    "Which is {cmp} from bottom to top, [A] or [B]?",
    "In terms of height, which is {cmp}: [A] or [B]?",
  ],
  wider_thinner: [
    "Which has the {word} width, [A] or [B]?",
    "Which is {adv} from side to side, [A] or [B]?",
    "Width-wise, which is {cmp}: [A] or [B]?",
    "Which of [A] and [B] is the {cmp} one?",
    "Comparing [A] and [B], which is {cmp}?",
    "Which spans {cmp} side to side, [A] or [B]?",
    "In terms of width, which is {cmp}: [A] or [B]?",
    "Which one measures {cmp} across, [A] or [B]?",
  ],
  bigger_smaller: [
    "Which takes up {word} space, [A] or [B]?",
    "Which one has {word} volume, [A] or [B]?",
    "Size-wise, which is {cmp}: [A] or [B]?",
    "Which of [A] and [B] is the {cmp} one?",
    "Comparing [A] and [B], which is {cmp}?",
    "Which is {cmp} overall, [A] or [B]?",
    "In terms of overall size, which is {cmp}: [A] or [B]?",
    "Which would fill {word} room, [A] or [B]?",
  ],
};

const SHARED_YES = [
  "Yes, [A] is {rel} [B].",
  "Yes.",
  "Yes, it is.",
  "Correct, [A] is {rel} [B].",
  "That's right: [A] is {alt} [B].",
  "Yes — [A] is {cmp} than [B].",
  "Indeed, [A] is {rel} [B].",
  "Yes, [B] is {orel} [A].",
  "It is; [A] is {adv} than [B].",
  "Yes, that's correct.",
] as const;

const SHARED_NO = [
  "No, [A] is not {rel} [B].",
  "No.",
  "No, it isn't.",
  "No — [A] is {orel} [B].",
  "Not really; [A] is {ocmp} than [B].",
  "No, it's the other way around: [B] is {rel} [A].",
  "Actually no, [A] is {oalt} [B].",
  "No, [A] is {oadv} than [B].",
  "That's not the case; [A] is {orel} [B].",
  "No, [B] is the one that is {cmp}.",
  "Incorrect: [A] is {orel} [B].",
] as const;

const FAMILY_YES: Record<QualitativeFamily, readonly string[]> = {
  left_right: ["Yes, from the camera's view [A] is {rel} [B].", "Yes, [A] sits off to the {word} of [B]."],
  above_below: ["Yes, [A] sits {rel} [B].", "Yes, [A] is {cmp} than [B]."],
  behind_front: ["Yes, seen from the camera [A] is {rel} [B].", "Yes, [A] is {alt} [B]."],
  taller_shorter: ["Yes, [A] stands {rel} [B].", "Yes, [A] has a {word} height than [B]."],
  wider_thinner: ["Yes, [A] is {rel} [B] from side to side.", "Yes, [A] has a {word} width than [B]."],
  bigger_smaller: ["Yes, [A] takes up {word} space than [B].", "Yes, overall [A] is {rel} [B]."],
};

const FAMILY_NO: Record<QualitativeFamily, readonly string[]> = {
  left_right: ["No, from the camera's view [A] is {orel} [B].", "No, [A] sits off to the {oword} of [B]."],
  above_below: ["No, [A] sits {orel} [B].", "No, [A] is {ocmp} than [B]."],
  behind_front: ["No, seen from the camera [A] is {orel} [B].", "No, [A] is {oalt} [B]."],
  taller_shorter: ["No, [A] stands {orel} [B].", "No, [A] has a {oword} height than [B]."],
  wider_thinner: ["No, [A] is {orel} [B] from side to side.", "No, [A] has a {oword} width than [B]."],
  bigger_smaller: ["No, [A] takes up {oword} space than [B].", "No, overall [A] is {orel} [B]."],
};

/** Choice answers: [A] is the chosen object, [B] the other. */
const SHARED_CHOICE_ANSWERS = [
  "[A] is {cmp}.",
  "[A] is {rel} [B].",
  "[A].",
  "It's [A].",
  "[A] is {adv}.",
  "That would be [A].",
  "[A] — it is {rel} [B].",
  "[A] is {cmp} than [B].",
  "Between the two, [A] is {cmp}.",
  "The answer is [A].",
  "[A]; [B] is {ocmp}.",
  "Of the two, [A] is {adv}.",
] as const;

/** When the pair is too close to call (`relationHolds` is null): said plainly, not as yes/no. */
const SHARED_HEDGES = [
  "It's too close to call: [A] and [B] are {same}.",
  "Neither, really: [A] and [B] are {same}.",
  "[A] and [B] are {same}, so I can't say one is {rel} the other.",
  "Hard to say — [A] and [B] are {same}.",
  "Not clearly: [A] and [B] are {same}.",
  "I'd call it even: [A] and [B] are {same}.",
] as const;

export interface QualitativeTemplates {
  predicate: readonly string[];
  choice: readonly string[];
  yes: readonly string[];
  no: readonly string[];
  choiceAnswers: readonly string[];
  hedges: readonly string[];
}

function build(family: QualitativeFamily): QualitativeTemplates {
  return {
    predicate: [...SHARED_PREDICATE, ...FAMILY_PREDICATE[family]],
    choice: [...SHARED_CHOICE, ...FAMILY_CHOICE[family]],
    yes: [...SHARED_YES, ...FAMILY_YES[family]],
    no: [...SHARED_NO, ...FAMILY_NO[family]],
    choiceAnswers: SHARED_CHOICE_ANSWERS,
    hedges: SHARED_HEDGES,
  };
}

export const QUALITATIVE_TEMPLATES: Record<QualitativeFamily, QualitativeTemplates> = {
  left_right: build("left_right"),
  above_below: build("above_below"),
  behind_front: build("behind_front"),
  taller_shorter: build("taller_shorter"),
  wider_thinner: build("wider_thinner"),
  bigger_smaller: build("bigger_smaller"),
};
