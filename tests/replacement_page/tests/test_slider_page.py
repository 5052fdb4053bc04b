from panel_app.pages import SliderPage


def test_starts_at_three_and_shows_twice_that():
    page = SliderPage()
    assert page.slider.value == 3
    page.slider.value = 5
    assert page.number == 5


def test_each_page_object_has_its_own_number():
    a, b = SliderPage(), SliderPage()
    a.number = 9
    assert b.number == 3
