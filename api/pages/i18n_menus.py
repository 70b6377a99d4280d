"""The weekly menu page's words (周食谱), merged into the pages' words by i18n.py; the same (中文, English) pairs."""

from __future__ import annotations

MENU_WORDS: dict[str, tuple[str, str]] = {
    "menus": ("食谱", "Menus"),
    "menus_title": ("周食谱", "Weekly menu"),
    "menu_week": ("周（任选一天，按该周星期一）", "Week (any day; its Monday names it)"),
    "menu_week_hint": ("每周以星期一的日期表示", "A week is named by its Monday"),
    "menu_dishes": ("菜品及每份价格（元）", "Dishes and price a portion (yuan)"),
    "menu_history": ("发布与修改记录", "Published and amended"),
    "menu_none": ("这一周还没有食谱", "No menu for this week yet"),
    "menu_edit": ("发布或修改本周午餐", "Publish or amend this week's lunches"),
    "menu_lines_hint": (
        "每行一道菜：菜名 空格 每份价格，如“红烧肉 3.50”；清空一天即取消当天午餐",
        'One dish a line: the name, a space, the price a portion, e.g. "红烧肉 3.50"; empty a day to cancel its lunch',
    ),
    "weekday_0": ("星期一", "Monday"),
    "weekday_1": ("星期二", "Tuesday"),
    "weekday_2": ("星期三", "Wednesday"),
    "weekday_3": ("星期四", "Thursday"),
    "weekday_4": ("星期五", "Friday"),
    "menu_reason": ("修改原因", "Why it changes"),
    "menu_publish": ("发布周食谱", "Publish the week's menu"),
    "menu_amend": ("保存修改", "Save the amendment"),
    "menu_copy_from": ("复制哪一周的食谱（该周任一天）", "Copy the menu of the week of"),
    "menu_copy": ("复制到本周", "Copy to this week"),
    "menu_published": ("发布", "published"),
    "menu_amended": ("修改", "amended"),
    "menu_published_notice": (
        "已发布{week}这一周的食谱，{dishes}道菜",
        "Published the week of {week}: {dishes} dishes",
    ),
    "menu_amended_notice": (
        "已修改{week}这一周的食谱，现{dishes}道菜",
        "Amended the week of {week}: {dishes} dishes now",
    ),
}
