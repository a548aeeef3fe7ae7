// The widget's one string catalogue, Korean and English side by side. Text from people (messages,
// names, settings texts) never comes from here and is always inserted as text.
export const STRINGS = {
  ko: {
    open: "채팅 상담 열기",
    close: "채팅 창 닫기",
    title: "고객센터 채팅 상담",
    loading: "불러오는 중…",
    loadFailed: "채팅 상담을 불러오지 못했습니다. 잠시 후 다시 시도해 주세요.",
    retry: "다시 시도",
    consentHeading: "개인정보 수집 동의",
    consentText: "개인정보 수집 및 이용 안내",
    nameOptional: "이름 (선택)",
    agree: "동의하고 상담 시작",
    disagree: "동의하지 않음",
    refused: "개인정보 수집에 동의하지 않으시면 채팅 상담을 이용할 수 없습니다. 상담원 부재 시에는 문의를 남기실 수 있습니다.",
    back: "처음으로",
    absentHeading: "상담원 부재중",
    inquire: "문의하기",
    inquiryHeading: "1:1 문의",
    name: "이름",
    email: "이메일",
    inquiryType: "문의 유형",
    choose: "선택하세요",
    subject: "제목",
    content: "내용",
    consentAgree: "개인정보 수집 및 이용에 동의합니다",
    submit: "보내기",
    required: "필수 항목입니다.",
    tooLong: "{max}자 이내로 입력해 주세요.",
    badEmail: "올바른 이메일 주소를 입력해 주세요.",
    mustConsent: "개인정보 수집에 동의해 주세요.",
    formErrors: "입력 내용을 확인해 주세요.",
    inquirySent: "문의가 접수되었습니다. 입력하신 이메일로 답변을 보내 드리겠습니다.",
    failed: "요청을 처리하지 못했습니다. 다시 시도해 주세요.",
    log: "대화 내용",
    message: "메시지",
    send: "전송",
    sending: "보내는 중",
    sent: "전송됨",
    notSent: "전송 실패",
    you: "나",
    agent: "상담원",
    queue: "상담 대기 중입니다. 대기 순번: {n}번",
    queueWaiting: "상담원 연결을 기다리고 있습니다.",
    typing: "상담원이 입력 중입니다…",
    offline: "연결이 끊겼습니다. 다시 연결하는 중…",
    rate: "평가",
    rateNow: "평가하기",
    ratingHeading: "상담 만족도 평가",
    satisfied: "만족",
    dissatisfied: "불만족",
    comment: "의견 (선택)",
    cancel: "취소",
    thanks: "평가해 주셔서 감사합니다.",
    alreadyRated: "이미 평가하셨습니다.",
    chooseRating: "만족 또는 불만족을 선택해 주세요.",
    end: "상담 종료",
    endConfirm: "상담을 종료할까요?",
    endYes: "종료",
    ended: "상담이 종료되었습니다.",
    newChat: "새 상담 시작",
    agentJoined: "상담원 {name}님이 상담을 시작했습니다.",
    returnedToQueue: "상담원 연결을 다시 기다리고 있습니다.",
    unread: "새 메시지 {n}개",
  },
  en: {
    open: "Open chat",
    close: "Close chat window",
    title: "Customer Center Chat",
    loading: "Loading…",
    loadFailed: "The chat could not be loaded. Please try again shortly.",
    retry: "Try again",
    consentHeading: "Consent to collect personal information",
    consentText: "Personal information notice",
    nameOptional: "Name (optional)",
    agree: "Agree and start chat",
    disagree: "Disagree",
    refused: "Without your consent to collect personal information the chat cannot start. When no agent is available you can leave an inquiry.",
    back: "Back",
    absentHeading: "No agent available",
    inquire: "Leave an inquiry",
    inquiryHeading: "1:1 inquiry",
    name: "Name",
    email: "Email",
    inquiryType: "Inquiry type",
    choose: "Choose…",
    subject: "Title",
    content: "Message",
    consentAgree: "I agree to the collection and use of my personal information",
    submit: "Send",
    required: "This field is required.",
    tooLong: "Use at most {max} characters.",
    badEmail: "Enter a valid email address.",
    mustConsent: "Please agree to the personal information notice.",
    formErrors: "Please check the highlighted fields.",
    inquirySent: "Your inquiry has been received. We will answer by email.",
    failed: "Something went wrong. Please try again.",
    log: "Conversation",
    message: "Message",
    send: "Send",
    sending: "Sending",
    sent: "Sent",
    notSent: "Not sent",
    you: "You",
    agent: "Agent",
    queue: "You are in the queue. Position: {n}",
    queueWaiting: "Waiting for an agent.",
    typing: "The agent is typing…",
    offline: "Connection lost. Reconnecting…",
    rate: "Rate",
    rateNow: "Rate this chat",
    ratingHeading: "How was your chat?",
    satisfied: "Satisfied",
    dissatisfied: "Dissatisfied",
    comment: "Comment (optional)",
    cancel: "Cancel",
    thanks: "Thank you for your feedback.",
    alreadyRated: "You have already rated this chat.",
    chooseRating: "Choose satisfied or dissatisfied.",
    end: "End chat",
    endConfirm: "End this chat?",
    endYes: "End",
    ended: "The chat has ended.",
    newChat: "Start a new chat",
    agentJoined: "{name} has joined the chat.",
    returnedToQueue: "Waiting for an agent again.",
    unread: "{n} new messages",
  },
};

/** Korean when asked for (data-lang), else when the page or the browser is Korean; English otherwise. */
export function pickLanguage(requested) {
  const wanted = (requested || "").toLowerCase();
  if (wanted === "ko" || wanted === "en") return wanted;
  const page = (document.documentElement.lang || "").toLowerCase();
  if (page.startsWith("ko")) return "ko";
  const browser = navigator.languages?.length ? navigator.languages : [navigator.language || ""];
  return browser.some((tag) => String(tag).toLowerCase().startsWith("ko")) ? "ko" : "en";
}

export function translator(lang) {
  const strings = STRINGS[lang] || STRINGS.ko;
  return (key, vars = {}) =>
    (strings[key] ?? STRINGS.ko[key] ?? key).replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
}

/**
 * A customer-facing text from the settings ({ko, en}, or a plain Korean string from an older server)
 * in `lang`: {text, lang}, where lang is the language the text is really in. When there is no version
 * in `lang` the other one is shown, and its lang tells the screen reader so (WCAG 3.1.2).
 */
export function localized(texts, lang) {
  const versions = typeof texts === "string" ? { ko: texts } : texts || {};
  if (versions[lang]) return { text: versions[lang], lang };
  const other = Object.keys(STRINGS).find((code) => code !== lang && versions[code]);
  return other ? { text: versions[other], lang: other } : { text: "", lang };
}
