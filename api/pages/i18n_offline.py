"""The words of the pages with no signal: the 待发送 list, a batch card as last synced, and what to do about a refusal.

Kept apart from the store-room words in i18n.py, which merges them; the same (中文, English) pairs.
"""

from __future__ import annotations

OFFLINE_WORDS: dict[str, tuple[str, str]] = {
    "offline_now": (
        "当前无网络：可先记下，联网后自动发送",
        "No signal: entries are kept and sent when the network returns",
    ),
    "offline_synced": ("离线 · 上次同步 {time}", "Offline · last synced {time}"),
    "offline_only_queue": (
        "无网络时可做出库、退库，联网后按顺序发送；其他操作请到有信号处再做",
        "With no signal you can issue and return; they are sent in order when the network returns",
    ),
    "offline_unknown_batch": (
        "无网络，本机还没有此批次的资料：请在有信号处扫码一次",
        "No signal, and this phone has not opened this batch before: scan it once where there is signal",
    ),
    "offline_no_meal": (
        "无网络：留样仍可记下，联网后发送",
        "No signal: samples are kept and sent when the network returns",
    ),
    "outbox_title": ("待发送", "Waiting to send"),
    "outbox_send_now": ("立即发送", "Send now"),
    "outbox_queued": ("已保存在本机，联网后自动发送", "Kept on this phone: it is sent when the network returns"),
    "outbox_sent": ("已发送 {n} 条", "{n} sent"),
    "outbox_waiting": ("等待联网", "Waiting for the network"),
    "outbox_not_sent": ("尚未发送：点“立即发送”", "Not sent yet: tap Send now"),
    "outbox_scanned_at": ("扫码时间", "Scanned at"),
    "outbox_refused": ("未被接受", "Refused"),
    "outbox_edit": ("修改后重发", "Edit and send again"),
    "outbox_send_again": ("重新发送", "Send again"),
    "outbox_discard": ("放弃此条", "Discard"),
    "outbox_discard_confirm": (
        "放弃后这条记录不会入账，确定吗？",
        "Discarded, this entry is never recorded. Discard it?",
    ),
    "outbox_other_person": ("等待 {who} 登录后发送", "Waits for {who} to sign in"),
    "outbox_sign_in": (
        "登录已过期：请重新登录，待发送的记录会保留",
        "Your sign-in expired: sign in again; the entries wait",
    ),
    "outbox_sign_in_now": ("重新登录", "Sign in again"),
    "todo_pin": (
        "PIN码不对：请签字人本人重新输入PIN，再点“重新发送”",
        "Wrong PIN: the signer types their PIN again, then taps Send again",
    ),
    "todo_rule": (
        "联网期间情况有变（如已封存、库存不足）：请查看批次卡并与负责人核实，修改后重发，或放弃此条",
        "Things changed meanwhile (held, too little left): check the batch card with your principal; edit or discard",
    ),
    "todo_forbidden": (
        "您无权做此操作：请有权限的人处理，或放弃此条",
        "You may not do this: ask someone who may, or discard",
    ),
    "todo_input": ("请核对内容，修改后重发，或放弃此条", "Check the entry, edit it and send again, or discard it"),
    "act_sample": ("留样", "Food sample"),
    "act_intake": ("入库验收", "Intake"),
    "received_queued": (
        "入库已保存在本机：联网发送后再打印标签",
        "Intake kept on this phone: print its label once it is sent",
    ),
}
