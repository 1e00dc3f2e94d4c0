def test_sign_in_page_renders(app):
    response = app.test_client().get("/sign-in")
    assert response.status_code == 200
    assert b"Sign in" in response.data
