# Temporary (not committed): « before » screenshots of the search page.
from tests.e2e.conftest import goto, shot


def test_before_shots(page):
    goto(page, "/offres")
    shot(page, "before-search")
    f = page.locator("#s-lieu")
    f.click()
    f.press_sequentially("77100", delay=120)
    page.wait_for_timeout(900)
    print("VALUE AFTER 120ms TYPING:", repr(f.input_value()))
    shot(page, "before-search-typed")
    f.press("Enter")
    page.wait_for_timeout(1500)
    print("URL AFTER ENTER:", page.url)
    shot(page, "before-search-after-enter")
