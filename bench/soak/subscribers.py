"""Sign-ups to the lists the issues go to, all through the week's sends: a person fills in
the form, confirms by the emailed link, and some then change their preferences from the
welcome email's link (leaving one list, joining the other).

Each answer that told the person it worked is written down: a sign-up's "check your
email", a confirmation's redirect to the preferences page, a saved preferences form.
"""

import asyncio
import random
from urllib.parse import urlsplit

from bench.soak.client import address_for
from tests.support.http import forms_in

CHANGES = 0.4  # of people welcomed, the share who then change which lists they get


def _post_form(page: bytes, **typed) -> tuple[str, list[tuple[str, str]]]:
    """The page's POST form as a browser sends it, with ``typed`` values in place."""
    form = next(f for f in forms_in(page.decode()) if f.method == "post")
    values = form.fill(**typed)
    return form.action, [(name, v) for name, vs in values.items() for v in vs]


async def run(ctx) -> None:
    rng = random.Random(ctx.facts["seed"] + 2)
    ctx.mailbox.on("Confirm your subscription", lambda mail: confirm(ctx, mail, rng))
    ctx.mailbox.on("Welcome to the", lambda mail: change_preferences(ctx, mail, rng))
    n = 0
    while not ctx.stopping():
        n += 1
        task = asyncio.create_task(sign_up(ctx, n, rng))
        ctx.mailbox.tasks.add(task)
        task.add_done_callback(ctx.mailbox.tasks.discard)
        await ctx.sleep(rng.expovariate(1 / ctx.plan.signup_every_s))


async def sign_up(ctx, n: int, rng: random.Random) -> None:
    address = address_for(n, 20)
    page = await ctx.http.form_page("subscribe_page", "/subscribe/", address=address)
    if page is None:
        return
    _, cookies, reply = page
    lists = [str(pk) for pk in ctx.facts["list_ids"]]
    chosen = lists if rng.random() < 0.5 else [rng.choice(lists)]
    email = f"joiner-{n}@soak.example.org"
    _, form = _post_form(reply.body, email=email, name=f"Joiner {n}", lists=chosen)
    answer = await ctx.http.post(
        "subscribe_post",
        "/subscribe/",
        address=address,
        form=form,
        cookies=cookies,
        tries=3,
        wait_s=4,
    )
    if answer is not None and answer.status == 302:
        ctx.ledger.record("signup", email=email, list_ids=[int(pk) for pk in chosen])


async def confirm(ctx, mail, rng: random.Random) -> None:
    path = mail.path_after("press the button:")
    if path is None:
        return
    await asyncio.sleep(rng.uniform(1, 8))
    address = f"10.203.{rng.randrange(256)}.{rng.randrange(256)}"
    page = await ctx.http.form_page("subscribe_confirm_page", path, address=address)
    if page is None:
        return
    _, cookies, reply = page
    _, form = _post_form(reply.body)
    answer = await ctx.http.post(
        "subscribe_confirm_post", path, address=address, form=form, cookies=cookies
    )
    if answer is not None and answer.status == 302:
        ctx.ledger.record("signup_confirm", email=mail.rcpt)


async def change_preferences(ctx, mail, rng: random.Random) -> None:
    """Leave one list for the other from the preferences page the welcome email links to."""
    path = mail.path_after("download or erase your data:")
    if path is None or rng.random() > CHANGES:
        return
    await asyncio.sleep(rng.uniform(1, 8))
    address = f"10.204.{rng.randrange(256)}.{rng.randrange(256)}"
    page = await ctx.http.form_page("preferences_page", path, address=address)
    if page is None:
        return
    _, cookies, reply = page
    form = next(
        f for f in forms_in(reply.body.decode()) if f.method == "post" and "lists" in f.options
    )
    current = set(form.values.get("lists", []))
    lists = [str(pk) for pk in ctx.facts["list_ids"]]
    keep = (
        [rng.choice(sorted(current))]
        if len(current) > 1
        else [p for p in lists if p not in current]
    )
    left = sorted(current - set(keep))
    if not left:
        return
    values = form.fill(lists=keep, name="Changed name")
    body = [(name, v) for name, vs in values.items() for v in vs]
    action = urlsplit(form.action).path if form.action else path
    answer = await ctx.http.post(
        "preferences_post", action, address=address, form=body, cookies=cookies
    )
    if answer is not None and answer.status == 302:
        ctx.ledger.record(
            "preferences", email=mail.rcpt, left=[int(p) for p in left], kept=[int(p) for p in keep]
        )
